from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STAFF_PASSWORD_MAX_AGE = timedelta(days=90)


class User(AbstractUser):
    """A sign-in account. Staff accounts are made by admins; a member's login links to their
    `branches.Member` record through `Member.user`.

    `must_change_password` is set when somebody else chose the password (an admin, an
    import); the person then sets their own at the next sign-in. Staff passwords also expire
    after 90 days (`password_changed_at`)."""

    # The clock starts when the account is made (Django's create_user bypasses set_password).
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员或导入设置的密码，本人须在下次登录时修改。"),
    )
    # Self-registered workers sign in with their phone (11 digits, see branches.phones). Empty
    # (NULL) for staff accounts; unique when set, so one phone is one account.
    phone = models.CharField(_("登录手机号"), max_length=11, null=True, blank=True, unique=True)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    # 适老化: larger text on every page, chosen by the person and kept with their account.
    large_text = models.BooleanField(_("大字模式"), default=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["username"]

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, *, now=None) -> bool:
        """Whether a staff password is older than 90 days."""
        return (now or timezone.now()) - self.password_changed_at > STAFF_PASSWORD_MAX_AGE

    def get_full_name(self) -> str:
        """Chinese names read surname first with no space (张晓东); others "first last"."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if (first + last).isascii():
            return f"{first} {last}".strip()
        return f"{last}{first}"


class PrivacyConsent(models.Model):
    """A person's consent to one version of the privacy notice (`/privacy/`), given at
    registration or at their first check-in. Withdrawing stamps `withdrawn_at`; consenting
    again is a new row, so the history of who agreed to which text, and when, is kept. At most
    one consent per account is in force (not withdrawn), which the database enforces."""

    user = models.ForeignKey(
        "yangpu_portal.User",
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        related_name="privacy_consents",
    )
    version = models.CharField(_("隐私政策版本"), max_length=20)
    given_at = models.DateTimeField(_("同意时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("隐私政策同意记录")
        verbose_name_plural = _("隐私政策同意记录")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="privacy_consent_one_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="privacy_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.version}"


# --- The dashboard's materialized figures (issue 8) -----------------------------------------------


class Metric(models.TextChoices):
    """What a `DashboardFigure` row counts. Snapshot metrics (state at the refresh) have no
    month; the others are per month of the event. `key`/`key2` say which kind, status,
    station... (see `yangpu_portal.dashboard.summaries` for each)."""

    ORG_KIND = "org_kind", _("组织数（按类型）")
    BRANCH_GROUP = "branch_group", _("支部数（按服务群体）")
    BRANCH_EFFECTIVE = "branch_effective", _("本季度有效覆盖支部数")
    COMPLIANCE_HELD = "compliance_held", _("三会一课已开")
    COMPLIANCE_DUE = "compliance_due", _("三会一课应开")
    MEMBER_STATUS = "member_status", _("人员（按群体和政治面貌）")
    MEMBER_MOBILE = "member_mobile", _("流动党员")
    MEMBER_REPORTED = "member_reported", _("到社区报到")
    STATUS_MOVE = "status_move", _("发展阶段变动")
    STATIONS_OPEN = "stations_open", _("开放站点")
    STATIONS_CREATED = "stations_created", _("新建站点")
    RIDERS_OUTLET = "riders_outlet", _("网点骑手人数")
    RIDERS_MEMBER = "riders_member", _("在册骑手和快递员")
    CHECKINS = "checkins", _("报到人次")
    VISITORS = "visitors", _("来访人次")
    MEMBERS_REACHED = "members_reached", _("服务人数")
    STATION_IDLE = "station_idle", _("本季度无活动站点")
    ACTIVITIES = "activities", _("活动场次")
    ATTENDANCE = "attendance", _("出勤记录")
    REPORTS = "reports", _("事件上报")
    REPORT_RESOLVE_DAYS = "report_resolve_days", _("办结用时")
    REPORTS_OVERDUE = "reports_overdue", _("超期未办结")
    PASSPORT_ACTIVE = "passport_active", _("护照活跃人数")
    PASSPORT_STAMPS = "passport_stamps", _("护照印章")
    PASSPORT_HOURS = "passport_hours", _("志愿服务时长")


class DashboardFigureQuerySet(models.QuerySet):
    def in_streets(self, streets):
        """Rows of these streets (None: the whole district, rows without a street too)."""
        return self if streets is None else self.filter(street__in=streets)


class DashboardFigure(models.Model):
    """One pre-aggregated number: metric x street x enterprise x month x key(s). Rebuilt as a
    whole by `yangpu_portal.actions.dashboard_refresh`; the dashboard only sums these rows, so
    a page costs the same whether the district has 5,000 or 500,000 raw rows."""

    metric = models.CharField(_("指标"), max_length=30, choices=Metric.choices)
    street = models.ForeignKey(
        "branches.Street",
        verbose_name=_("街道"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "branches.Enterprise",
        verbose_name=_("平台企业"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.DateField(_("月份"), null=True, blank=True, help_text=_("当月第一天"))
    key = models.CharField(_("分类"), max_length=50, blank=True)
    key2 = models.CharField(_("名称"), max_length=100, blank=True)
    value = models.BigIntegerField(_("数值"))

    objects = DashboardFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("看板数据")
        verbose_name_plural = _("看板数据")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(metric__in=Metric.values), name="dashboardfigure_metric_valid"
            ),
        ]
        indexes = [
            # Every dashboard query filters one or a few metrics, then months and streets.
            models.Index(fields=["metric", "month", "street"], name="dashfig_metric_month_street"),
        ]

    def __str__(self):
        return f"{self.metric} {self.month or ''} {self.key} = {self.value}"


class DashboardRefresh(models.Model):
    """The one row saying when the figures were last rebuilt (pk is always 1)."""

    refreshed_at = models.DateTimeField(_("刷新时间"))
    duration_ms = models.PositiveIntegerField(_("用时（毫秒）"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)

    class Meta:
        verbose_name = _("看板刷新")
        verbose_name_plural = _("看板刷新")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="dashboardrefresh_singleton")
        ]

    def __str__(self):
        return str(self.refreshed_at)
