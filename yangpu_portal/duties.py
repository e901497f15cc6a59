"""Separation of duties (三员分立), checked wherever roles change and over the whole database.

`violations()` answers in five queries and is what `manage.py check --database default` runs
(see `yangpu_portal.checks`); the user admin refuses a change that would create one."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from branches.models import Member, OrganizerAssignment
from branches.roles import ADMINISTRATOR_GROUPS, DISTRICT_ADMIN_GROUP
from stations.models import StationStaff


def administrator_roles_clash(group_names) -> bool:
    return len(set(group_names) & set(ADMINISTRATOR_GROUPS)) > 1


def day_to_day_users():
    """Accounts with a day-to-day role: district admin, organizer, station staff, member."""
    user = OuterRef("pk")
    return get_user_model().objects.filter(
        Q(groups__name=DISTRICT_ADMIN_GROUP)
        | Q(Exists(OrganizerAssignment.objects.filter(user=user)))
        | Q(Exists(StationStaff.objects.filter(user=user)))
        | Q(Exists(Member.objects.filter(user=user)))
    )


# What each administrator duty may do; an account whose permissions (through groups or given
# directly) reach into two of these holds two duties, whatever its groups are called.
DUTY_PERMISSIONS = {
    # change_user is shared: the user admin shows each duty only its own fields.
    "accounts": [("yangpu_portal", "add_user")],
    "roles": [
        ("auth", "change_group"),
        ("branches", "add_organizerassignment"),
        ("branches", "change_organizerassignment"),
        ("stations", "add_stationstaff"),
        ("stations", "change_stationstaff"),
    ],
    "audit": [("audit", "view_auditevent")],
}


def users_with_duty(duty: str):
    condition = Q()
    for app_label, codename in DUTY_PERMISSIONS[duty]:
        condition |= Q(
            groups__permissions__content_type__app_label=app_label,
            groups__permissions__codename=codename,
        ) | Q(
            user_permissions__content_type__app_label=app_label,
            user_permissions__codename=codename,
        )
    return set(
        get_user_model()
        .objects.filter(condition, is_superuser=False)
        .values_list("username", flat=True)
        .distinct()
    )


def violations() -> list[str]:
    users = get_user_model().objects
    double_roles = set(
        users.filter(groups__name__in=ADMINISTRATOR_GROUPS)
        .values("username")
        .annotate(n=Count("groups", filter=Q(groups__name__in=ADMINISTRATOR_GROUPS)))
        .filter(n__gt=1)
        .values_list("username", flat=True)
    )
    messages = [
        _("账户 %(user)s 同时担任了多个三员角色（系统管理员、安全管理员、审计管理员）。")
        % {"user": username}
        for username in sorted(double_roles)
    ]
    holders = {duty: users_with_duty(duty) for duty in DUTY_PERMISSIONS}
    clashing = set()
    duties = list(holders)
    for i, first in enumerate(duties):
        for second in duties[i + 1 :]:
            clashing |= holders[first] & holders[second]
    messages += [
        _("账户 %(user)s 的权限跨越了多个三员职责。") % {"user": username}
        for username in sorted(clashing - double_roles)
    ]
    messages += [
        _("日常工作账户 %(user)s 不能是超级用户。") % {"user": username}
        for username in day_to_day_users()
        .filter(is_superuser=True)
        .distinct()
        .values_list("username", flat=True)
    ]
    return messages
