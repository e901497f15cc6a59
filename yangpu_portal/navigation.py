"""The navigation bar: what the signed-in person's roles let them use.

Roles (groups, assignments, staff, member link, authenticator) are read in one query per
request, shared by the bar and the session, password and two-factor middlewares."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from branches.models import Member, OrganizerAssignment, OrganizerRole
from branches.roles import (
    AUDITOR_GROUP,
    DISTRICT_ADMIN_GROUP,
    SECURITY_ADMIN_GROUP,
    SYSTEM_ADMIN_GROUP,
)
from services.models import Notification
from stations.models import StationStaff


@dataclass(frozen=True)
class Roles:
    district_admin: bool = False
    auditor: bool = False
    system_admin: bool = False
    security_admin: bool = False
    has_totp: bool = False
    organizer: bool = False
    # A full-time party-mass worker (专职党群工作者): logs contact visits.
    worker: bool = False
    station_staff: bool = False
    member: bool = False
    # Issue 5: the bell's unread count rides on the same query.
    unread_notifications: int = 0

    @property
    def needs_two_factor(self) -> bool:
        return self.district_admin or self.auditor or self.system_admin or self.security_admin

    @property
    def manages_people(self) -> bool:
        return self.district_admin or self.organizer


def roles_of(user) -> Roles:
    """All of `user`'s roles from a single query (cached on the user object)."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    in_group = Group.objects.filter(user=OuterRef("pk"))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values("pk")
        .annotate(
            district_admin=Exists(in_group.filter(name=DISTRICT_ADMIN_GROUP)),
            auditor=Exists(in_group.filter(name=AUDITOR_GROUP)),
            system_admin=Exists(in_group.filter(name=SYSTEM_ADMIN_GROUP)),
            security_admin=Exists(in_group.filter(name=SECURITY_ADMIN_GROUP)),
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
            organizer=Exists(OrganizerAssignment.objects.filter(user=OuterRef("pk"))),
            worker=Exists(
                OrganizerAssignment.objects.filter(user=OuterRef("pk"), role=OrganizerRole.WORKER)
            ),
            station_staff=Exists(StationStaff.objects.filter(user=OuterRef("pk"))),
            member=Exists(Member.objects.filter(user=OuterRef("pk"))),
            unread_notifications=Coalesce(
                Subquery(
                    Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
                    .order_by()
                    .values("user")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .get()
    )
    row.pop("pk")
    user._portal_roles = Roles(**row)
    return user._portal_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


def items_for(user) -> list[NavItem]:
    roles = roles_of(user)
    items = [
        NavItem(_("首页"), reverse("home"), "home"),
        NavItem(_("服务站点"), reverse("stations:station-list"), "stations"),
        NavItem(_("活动日历"), reverse("services:activity-list"), "activities"),
    ]
    if roles.station_staff:
        items.append(NavItem(_("站点工作台"), reverse("stations:console"), "console"))
    if roles.manages_people:
        items.append(NavItem(_("组织架构"), reverse("branches:organization-tree"), "tree"))
        items.append(NavItem(_("人员名册"), reverse("branches:member-list"), "roster"))
        items.append(NavItem(_("快递外卖网点"), reverse("stations:outlet-list"), "outlets"))
    # Issue 3: the people who log contact visits (branches.roles.logs_visits).
    if roles.district_admin or roles.worker:
        items.append(NavItem(_("联系走访"), reverse("branches:visit-list"), "visits"))
    if roles.manages_people:
        items.append(NavItem(_("三会一课"), reverse("services:compliance-board"), "compliance"))
    # Issue 7: sentinel reports for everyone; the triage console for organizers and district.
    items.append(NavItem(_("民情前哨"), reverse("services:report-list"), "reports"))
    if roles.district_admin or roles.organizer:
        items.append(NavItem(_("事件分派"), reverse("services:report-triage"), "triage"))
    if roles.auditor:
        items.append(NavItem(_("审计日志"), reverse("audit:event-list"), "audit"))
    if user.is_authenticated and user.is_staff and not roles.auditor:
        items.append(NavItem(_("管理后台"), reverse("admin:index"), "admin"))
    return items


LARGE_TEXT_SESSION_KEY = "large_text"


def large_text_wanted(request) -> bool:
    """The 适老化 large-text mode: kept on the account when signed in, in the session before."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.large_text
    session = getattr(request, "session", None)
    return bool(session and session.get(LARGE_TEXT_SESSION_KEY))


def navigation(request):
    """Context processor: `nav_items` and the bell's `unread_notifications`, evaluated lazily
    (both from the one roles query), and whether the page is drawn in large text."""
    return {
        "large_text": SimpleLazyObject(lambda: large_text_wanted(request)),
        "nav_items": SimpleLazyObject(lambda: items_for(request.user)),
        "unread_notifications": SimpleLazyObject(
            lambda: roles_of(request.user).unread_notifications
        ),
    }
