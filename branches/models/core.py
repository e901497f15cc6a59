"""Streets, platform enterprises, the party organization tree, members and organizer
assignments: the people side of the portal. Every other app points here, never the reverse."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from branches.phones import mask_phone


class OccupationGroup(models.TextChoices):
    RIDER = "rider", _("外卖骑手")
    COURIER = "courier", _("快递员")
    RIDE_HAILING = "ride_hailing", _("网约车司机")
    TRUCK = "truck", _("货车司机")
    CREATOR = "creator", _("网络主播/UP主")
    OTHER = "other", _("其他")


# --- Streets and enterprises --------------------------------------------------------------------


class StreetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Streets are public reference data: everyone sees all twelve."""
        return self.all()

    def organized_by(self, user):
        """The streets whose rosters and reports `user` manages: every street for holders of
        the `branches.view_street` permission (district staff), else those of their
        street-level organizer assignments. One query when evaluated."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("branches.view_street"):
            return self
        return self.filter(
            organizer_assignments__user=user, organizer_assignments__street__isnull=False
        ).distinct()


class Street(models.Model):
    """One of Yangpu's 12 street offices (街道). Public data."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    slug = models.SlugField(_("代码"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    latitude = models.FloatField(_("中心纬度"), null=True, blank=True, help_text=_("WGS-84"))
    longitude = models.FloatField(_("中心经度"), null=True, blank=True, help_text=_("WGS-84"))

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class EnterpriseSector(models.TextChoices):
    FOOD_DELIVERY = "food_delivery", _("外卖配送")
    INSTANT_DELIVERY = "instant_delivery", _("即时配送")
    EXPRESS = "express", _("快递物流")
    RIDE_HAILING = "ride_hailing", _("网约车")
    FREIGHT = "freight", _("货运")
    VIDEO = "video", _("网络视频")
    OTHER = "other", _("其他")


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Platform enterprises are public reference data: everyone sees them all."""
        return self.all()


class Enterprise(models.Model):
    """A platform enterprise (平台企业) whose workers the portal serves. Public data."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30)
    sector = models.CharField(_("行业"), max_length=20, choices=EnterpriseSector.choices)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("平台企业")
        verbose_name_plural = _("平台企业")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sector__in=EnterpriseSector.values), name="enterprise_sector_valid"
            ),
        ]

    def __str__(self):
        return self.short_name or self.name


# --- Organizations (a tree) ---------------------------------------------------------------------


class OrganizationKind(models.TextChoices):
    DISTRICT = "district", _("区委")
    STREET_COMMITTEE = "street_committee", _("街道党工委")
    ENTERPRISE_COMMITTEE = "enterprise_committee", _("企业党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


# Which kinds may sit directly under which: a branch never parents a committee.
ALLOWED_CHILD_KINDS = {
    OrganizationKind.DISTRICT: {
        OrganizationKind.STREET_COMMITTEE,
        OrganizationKind.ENTERPRISE_COMMITTEE,
    },
    OrganizationKind.STREET_COMMITTEE: {OrganizationKind.GENERAL_BRANCH, OrganizationKind.BRANCH},
    OrganizationKind.ENTERPRISE_COMMITTEE: {
        OrganizationKind.GENERAL_BRANCH,
        OrganizationKind.BRANCH,
    },
    OrganizationKind.GENERAL_BRANCH: {OrganizationKind.BRANCH},
    OrganizationKind.BRANCH: set(),
}


class OrganizationForm(models.TextChoices):
    STANDARD = "standard", _("常规")
    ON_WHEELS = "on_wheels", _("流动党支部（建在车轮上）")
    ONLINE = "online", _("网络党支部（建在网络上）")


class OrganizationQuerySet(MP_NodeQuerySet):
    def visible_to(self, user):
        """Organizations `user` may see and manage: all for district staff; for a street
        organizer the street committee of their street and everything under it; for an
        enterprise organizer their organization and everything under it. Subtrees are path
        prefixes, so this costs one query for the roots and none per level."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("branches.view_organization"):
            return self
        roots = Organization.objects.filter(
            Q(
                kind=OrganizationKind.STREET_COMMITTEE,
                street__organizer_assignments__user=user,
            )
            | Q(organizer_assignments__user=user)
        ).values_list("path", flat=True)
        scope = Q(pk__in=[])
        for path in set(roots):
            scope |= Q(path__startswith=path)
        return self.filter(scope)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        # Tree order (depth-first) by default, as treebeard's own manager does.
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A party organization. The tree is a materialized path (django-treebeard `MP_Node`):
    `path` holds each ancestor's 4-character step, so "everything under X" is one
    `path LIKE 'X%'` query on an indexed column. Create nodes through
    `branches.actions.organization_create`, which enforces the kind rule."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=30, choices=OrganizationKind.choices)
    form = models.CharField(
        _("组建形式"),
        max_length=20,
        choices=OrganizationForm.choices,
        default=OrganizationForm.STANDARD,
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("所属街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属平台企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    group_served = models.CharField(
        _("服务群体"), max_length=20, choices=OccupationGroup.choices, blank=True
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    secretary_name = models.CharField(_("书记"), max_length=50, blank=True)

    node_order_by = ["name"]
    objects = OrganizationManager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(form__in=OrganizationForm.values), name="organization_form_valid"
            ),
            models.CheckConstraint(
                condition=Q(group_served="") | Q(group_served__in=OccupationGroup.values),
                name="organization_group_valid",
            ),
            # The district committee is the one and only kind of root.
            models.CheckConstraint(
                condition=(Q(kind=OrganizationKind.DISTRICT) & Q(depth=1))
                | (~Q(kind=OrganizationKind.DISTRICT) & Q(depth__gt=1)),
                name="organization_root_is_district",
            ),
        ]

    def __str__(self):
        return self.name

    def may_parent(self, kind: str) -> bool:
        return kind in ALLOWED_CHILD_KINDS[OrganizationKind(self.kind)]


# --- Members ------------------------------------------------------------------------------------


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("群众")
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    # Off the roster's active lifecycle: withdrew, left the party, moved away. Terminal except
    # by a recorded correction.
    LEFT = "left", _("已离开")


# The forward order of the lifecycle; LEFT may follow any step.
LIFECYCLE = (
    PoliticalStatus.MASSES,
    PoliticalStatus.APPLICANT,
    PoliticalStatus.ACTIVIST,
    PoliticalStatus.CANDIDATE,
    PoliticalStatus.PROBATIONARY,
    PoliticalStatus.FULL,
)
# Statuses that belong to no party organization.
WITHOUT_ORGANIZATION = (PoliticalStatus.MASSES, PoliticalStatus.LEFT)


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members whose personal data `user` may see: all for district staff; an organizer's
        streets and organization subtrees; a member sees only themselves."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("branches.view_member"):
            return self
        organizations = Organization.objects.visible_to(user)
        streets = Street.objects.organized_by(user)
        # Both scopes are `IN (subquery)`: no join, so no duplicate rows and no DISTINCT,
        # which would make PostgreSQL sort every row in scope before the roster's LIMIT 50
        # (issue 10: 20,000 members).
        return self.filter(Q(organization__in=organizations) | Q(street__in=streets) | Q(user=user))

    def party_members(self):
        return self.filter(
            political_status__in=[PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL]
        )


class Member(models.Model):
    """One person the portal serves: a rider, courier, driver or creator, party member or not.
    Phones are stored normalized to 11 digits and shown masked outside the viewer's scope."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    occupation = models.CharField(_("从业类型"), max_length=20, choices=OccupationGroup.choices)
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在平台企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    platform_worker_id = models.CharField(_("平台工号"), max_length=50, blank=True)
    street = models.ForeignKey(
        Street, verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="members"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    political_status = models.CharField(
        _("政治面貌"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    is_mobile = models.BooleanField(_("流动党员"), default=False)
    joined_party_on = models.DateField(
        _("入党日期"), null=True, blank=True, help_text=_("成为预备党员的日期。")
    )
    reported_community = models.CharField(_("报到社区"), max_length=100, blank=True)
    reported_on = models.DateField(_("报到日期"), null=True, blank=True)
    consent_to_contact = models.BooleanField(_("同意联系"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(Exact(Length("phone"), 11), phone__startswith="1"),
                name="member_phone_11_digits",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="member_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(occupation__in=OccupationGroup.values), name="member_occupation_valid"
            ),
            models.CheckConstraint(
                condition=Q(political_status__in=PoliticalStatus.values),
                name="member_political_status_valid",
            ),
            # Non-party workers and people who left belong to no party organization.
            models.CheckConstraint(
                condition=~Q(political_status__in=WITHOUT_ORGANIZATION)
                | Q(organization__isnull=True),
                name="member_outside_party_no_organization",
            ),
        ]
        indexes = [
            # The roster filtered by street, ordered by name.
            models.Index(fields=["street", "name"], name="member_street_name_idx"),
            # The roster unfiltered (district staff, 20,000 rows), in its order (name, pk):
            # page 1 reads 50 index entries instead of sorting every member (issue 10).
            models.Index(fields=["name", "id"], name="member_name_id_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.political_status in WITHOUT_ORGANIZATION and self.organization_id is not None:
            raise ValidationError(
                {
                    "organization": _("%(status)s不属于任何党组织，请清空所在党组织。")
                    % {"status": PoliticalStatus(self.political_status).label}
                },
                code="no_organization",
            )

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_party_member(self) -> bool:
        return self.political_status in (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)


# --- Organizer assignments ----------------------------------------------------------------------


class OrganizerRole(models.TextChoices):
    STREET = "street", _("街道党工委组织员")
    ENTERPRISE = "enterprise", _("企业党委组织员")
    WORKER = "worker", _("专职党群工作者")
    SECRETARY = "secretary", _("党支部书记")


class OrganizerAssignment(models.Model):
    """`user` organizes a street (street organizers, full-time workers) or an organization and
    its subtree (enterprise organizers). Scope is this data, not code paths."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        related_name="organizer_assignments",
    )
    role = models.CharField(_("角色"), max_length=20, choices=OrganizerRole.choices)
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizer_assignments",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizer_assignments",
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("组织员任职")
        verbose_name_plural = _("组织员任职")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=OrganizerRole.values), name="assignment_role_valid"
            ),
            # Exactly one target: a street or an organization.
            models.CheckConstraint(
                condition=(Q(street__isnull=False) & Q(organization__isnull=True))
                | (Q(street__isnull=True) & Q(organization__isnull=False)),
                name="assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "street"],
                condition=Q(street__isnull=False),
                name="assignment_unique_user_street",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(organization__isnull=False),
                name="assignment_unique_user_organization",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.street or self.organization}"
