"""Party-building instructors (党建指导员) assigned to enterprises, and the contact visits
(联系走访) that full-time party-mass workers (专职党群工作者) log.

A visit's target kind says where its target is: an enterprise or a member (a foreign key here),
or a place, i.e. a station or an outlet. `stations` depends on `branches`, so a foreign key from
here to a station would reverse the dependency: a place visit is this row plus a
`stations.PlaceVisit` row (one-to-one, made by `stations.actions.place_visit_create`), and the
pages here read place targets through the provider named by `BRANCHES_PLACE_VISITS`
(see docs/decisions.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models.core import Enterprise, Member, Street


class Instructor(models.Model):
    """A party-building instructor sent to platform enterprises (党建指导员)."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor",
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("指导的平台企业"), related_name="instructors", blank=True
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("党建指导员")
        verbose_name_plural = _("党建指导员")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class VisitTarget(models.TextChoices):
    ENTERPRISE = "enterprise", _("平台企业")
    MEMBER = "member", _("人员")
    # A station or an outlet: the stations app holds which (stations.PlaceVisit).
    PLACE = "place", _("阵地或网点")


class ContactVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff see every visit; anyone else the visits they logged."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("branches.view_contactvisit"):
            return self
        return self.filter(worker=user)


class ContactVisit(models.Model):
    """One contact visit: who went, when, to whom (exactly one target), what was said, and
    an optional follow-up with its due date."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        on_delete=models.PROTECT,
        related_name="contact_visits",
    )
    visited_on = models.DateField(_("走访日期"))
    target_kind = models.CharField(
        _("走访对象类型"),
        max_length=20,
        choices=VisitTarget.choices,
        default=VisitTarget.ENTERPRISE,
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("走访企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("走访人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("所在街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    notes = models.TextField(_("走访情况"))
    follow_up = models.TextField(_("后续事项"), blank=True)
    follow_up_due = models.DateField(_("办理期限"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("已办结"), default=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ContactVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系走访")
        verbose_name_plural = _("联系走访")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            # Exactly one target, of the stated kind. A place's key is in stations.PlaceVisit.
            models.CheckConstraint(
                condition=(
                    Q(target_kind=VisitTarget.ENTERPRISE)
                    & Q(enterprise__isnull=False)
                    & Q(member__isnull=True)
                )
                | (
                    Q(target_kind=VisitTarget.MEMBER)
                    & Q(enterprise__isnull=True)
                    & Q(member__isnull=False)
                )
                | (
                    Q(target_kind=VisitTarget.PLACE)
                    & Q(enterprise__isnull=True)
                    & Q(member__isnull=True)
                ),
                name="visit_exactly_one_target",
            ),
            # A due date belongs to a follow-up.
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | ~Q(follow_up=""),
                name="visit_due_needs_follow_up",
            ),
        ]
        indexes = [
            # A worker's list, newest first.
            models.Index(fields=["worker", "-visited_on"], name="visit_worker_date_idx"),
            # The coverage view: last visit per enterprise.
            models.Index(fields=["enterprise", "visited_on"], name="visit_enterprise_date_idx"),
        ]

    def __str__(self):
        return f"{self.visited_on} · {self.target}"

    @property
    def target(self):
        """The enterprise or member; for a place visit the `place_target` a list view attached
        (see `attach_place_targets`), else the kind's label."""
        if self.target_kind == VisitTarget.PLACE:
            place = getattr(self, "place_target", None)
            return place.name if place is not None else self.get_target_kind_display()
        return self.enterprise or self.member
