"""Separation of duties (三员分立), checked wherever roles change and over the whole database.

`violations()` answers in two queries and is what `manage.py check --database default` runs
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


def violations() -> list[str]:
    users = get_user_model().objects
    messages = [
        _("账户 %(user)s 同时担任了多个三员角色（系统管理员、安全管理员、审计管理员）。")
        % {"user": username}
        for username in users.filter(groups__name__in=ADMINISTRATOR_GROUPS)
        .values("username")
        .annotate(n=Count("groups", filter=Q(groups__name__in=ADMINISTRATOR_GROUPS)))
        .filter(n__gt=1)
        .values_list("username", flat=True)
    ]
    messages += [
        _("日常工作账户 %(user)s 不能是超级用户。") % {"user": username}
        for username in day_to_day_users()
        .filter(is_superuser=True)
        .distinct()
        .values_list("username", flat=True)
    ]
    return messages
