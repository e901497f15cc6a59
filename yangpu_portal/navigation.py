"""The navigation bar: what the signed-in person's roles let them use.

Roles (groups, assignments, staff, member link, authenticator) are read in one query per
request, shared by the bar and the session, password and two-factor middlewares."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections, router
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
from services.models import BenefitProvider, Notification
from stations.models import StationStaff


@dataclass(frozen=True)
class Roles:
    district_admin: bool = False
    auditor: bool = False
    system_admin: bool = False
    security_admin: bool = False
    has_totp: bool = False
    organizer: bool = False
    street_organizer: bool = False
    # A full-time party-mass worker (专职党群工作者): logs contact visits.
    worker: bool = False
    station_staff: bool = False
    member: bool = False
    # Issue 6: staff of a benefit provider redeem its codes.
    benefit_provider_staff: bool = False
    # Issue 5: the bell's unread count rides on the same query.
    unread_notifications: int = 0

    @property
    def needs_two_factor(self) -> bool:
        return self.district_admin or self.auditor or self.system_admin or self.security_admin

    @property
    def manages_people(self) -> bool:
        return self.district_admin or self.organizer


def _roles_query(pk):
    in_group = Group.objects.filter(user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(pk=pk)
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
            street_organizer=Exists(
                OrganizerAssignment.objects.filter(
                    user=OuterRef("pk"), role=OrganizerRole.STREET, street__isnull=False
                )
            ),
            worker=Exists(
                OrganizerAssignment.objects.filter(user=OuterRef("pk"), role=OrganizerRole.WORKER)
            ),
            station_staff=Exists(StationStaff.objects.filter(user=OuterRef("pk"))),
            member=Exists(Member.objects.filter(user=OuterRef("pk"))),
            benefit_provider_staff=Exists(
                BenefitProvider.staff.through.objects.filter(user=OuterRef("pk"))
            ),
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
    )


# The roles query, compiled to SQL once per database: building and compiling its ten subqueries
# cost several times more than running them, on every signed-in request.
_COMPILED: dict[str, tuple[str, tuple, list[int]]] = {}
# Stands for the user's id while the query is compiled (no account has it; within the
# integer range, or the ORM would compile an empty result).
_USER_ID = -2_026_000_009


def _roles_row(user) -> dict:
    alias = router.db_for_read(get_user_model())
    compiled = _COMPILED.get(alias)
    if compiled is None:
        sql, params = _roles_query(_USER_ID).query.get_compiler(alias).as_sql()
        places = [i for i, value in enumerate(params) if value == _USER_ID]
        compiled = _COMPILED[alias] = (sql, tuple(params), places)
    sql, params, places = compiled
    params = list(params)
    for i in places:
        params[i] = user.pk
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    if row is None:
        raise get_user_model().DoesNotExist
    values = dict(zip(names[1:], row[1:], strict=True))  # the first column is the user's id
    return {
        name: int(value or 0) if name == "unread_notifications" else bool(value)
        for name, value in values.items()
    }


def roles_of(user) -> Roles:
    """All of `user`'s roles from a single query (cached on the user object)."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    user._portal_roles = Roles(**_roles_row(user))
    return user._portal_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str
    # The drop-down menu the item sits in ("" for the bar itself): see `items_for`.
    section: str = ""


PROGRAMS = _("服务项目")
WORK = _("组织工作")


def items_for(user) -> list[NavItem]:
    """The bar, in display order: the everyday pages, then two menus (the member programs and
    the organizers' work), then the role's own desk. Items of one menu are contiguous; the
    header template groups them (`{% regroup %}`)."""
    roles = roles_of(user)
    items = [
        NavItem(_("首页"), reverse("home"), "home"),
        NavItem(_("服务站点"), reverse("stations:station-list"), "stations"),
        NavItem(_("活动日历"), reverse("services:activity-list"), "activities"),
    ]
    if roles.station_staff:
        items.append(NavItem(_("站点工作台"), reverse("stations:console"), "console"))
    # Issue 7: sentinel reports for everyone.
    items.append(NavItem(_("民情前哨"), reverse("services:report-list"), "reports"))

    # Issue 6: the passport and the programs; issue 9: a member's own data.
    def program(label, name, key):
        items.append(NavItem(label, reverse(name), key, PROGRAMS))

    if roles.member:
        program(_("先锋护照"), "services:passport", "passport")
    program(_("微讲堂"), "services:course-list", "courses")
    program(_("党课路线"), "services:route-list", "routes")
    program(_("专属优惠"), "services:benefit-list", "benefits")
    if roles.benefit_provider_staff:
        program(_("优惠核销"), "services:benefit-redeem", "redeem")
    if roles.member:
        program(_("帮扶申请"), "services:aid-mine", "aid")
    if roles.member or roles.manages_people:
        program(_("成长计划"), "services:career-list", "career")
    program(_("荣誉榜"), "services:honour-roll", "honours")
    if roles.member:
        program(_("我的数据"), "services:my-data", "mydata")

    # The organizers' and district staff's work, each page within their scope.
    if roles.manages_people:
        for label, name, key in [
            (_("组织架构"), "branches:organization-tree", "tree"),
            (_("人员名册"), "branches:member-list", "roster"),
            (_("快递外卖网点"), "stations:outlet-list", "outlets"),
            # Issue 3: contact visits are logged by full-time workers; district admins see all.
            (_("联系走访"), "branches:visit-list", "visits"),
            (_("三会一课"), "services:compliance-board", "compliance"),
            (_("事件分派"), "services:report-triage", "triage"),
            (_("志愿审核"), "services:volunteer-review", "volunteer"),
            (_("帮扶审核"), "services:aid-queue", "aidreview"),
            (_("表彰提名"), "services:nomination-list", "nominations"),
            (_("删除申请"), "services:erasure-queue", "erasure"),
        ]:
            if key == "visits" and not (roles.district_admin or roles.worker):
                continue
            items.append(NavItem(label, reverse(name), key, WORK))
    # Issue 8: district admins see the district, street organizers their street.
    if roles.district_admin or roles.street_organizer:
        items.append(NavItem(_("数据看板"), reverse("dashboard"), "dashboard"))
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
