"""PIPL: what the portal holds about one person ("my data") and their erasure requests.

`services` sits on top of the other apps (services -> stations -> branches), so it is the one
place that may read every app's rows about a member and anonymize them all.

`personal_data(user)` gathers everything in a fixed number of queries (one per section), the
same for the page and the JSON download.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    DONE = "done", _("已匿名化")


class ErasureRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests of members in `user`'s scope (the district admin: all)."""
        from branches.models import Member

        return self.filter(member__in=Member.objects.visible_to(user))

    def pending(self):
        return self.filter(status=ErasureStatus.PENDING)


class ErasureRequest(models.Model):
    """A member asked for their personal data to be deleted (PIPL art. 47). An organizer whose
    scope covers the member handles it (`erasure_complete`): the member is anonymized
    everywhere. The request row stays, linked to the anonymized record, as proof it was done."""

    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("办理时间"), null=True, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("删除个人信息申请")
        verbose_name_plural = _("删除个人信息申请")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ErasureStatus.values), name="erasure_status_valid"
            ),
            # One open request per member: asking twice does not queue the work twice.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="erasure_one_pending_per_member",
            ),
        ]
        indexes = [
            # The organizer's queue: pending requests, oldest first.
            models.Index(fields=["status", "requested_at"], name="erasure_queue_idx"),
        ]

    def __str__(self):
        return f"{self.member_id} · {self.get_status_display()}"


# --- "My data" -----------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    fields: list  # model fields shown, in order
    rows: list = field(default_factory=list)

    @property
    def columns(self):
        return [f.verbose_name for f in self.fields]

    def table(self) -> list[list]:
        """Rows as display values (choices by label, related rows by name)."""
        return [[display(row, f) for f in self.fields] for row in self.rows]

    def records(self) -> list[dict]:
        """Rows as plain JSON values, keyed by field name."""
        return [{f.name: plain_value(row, f) for f in self.fields} for row in self.rows]


def display(row, model_field):
    if model_field.choices:
        return getattr(row, f"get_{model_field.name}_display")()
    value = getattr(row, model_field.name)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None:
        return ""
    if hasattr(value, "name") and isinstance(model_field, models.FileField):
        return value.name
    return value


def plain_value(row, model_field):
    value = getattr(row, model_field.name)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(model_field, models.FileField):
        return value.name if value else ""
    if isinstance(value, models.Model):
        return str(value)
    return value


def _fields(model, *names):
    return [model._meta.get_field(name) for name in names]


def personal_data(user) -> list[Section]:
    """Everything held about `user` and their member record, as sections. One query per
    section (27 in all, at most), whatever the number of rows."""
    from branches.models import ContactVisit, Member, MemberStatusChange, Transfer
    from services.models import Attendance, LeaveRequest, Notification, Signup
    from services.reports import MeToo, Report
    from stations.models import CheckIn
    from yangpu_portal.models import PrivacyConsent, User

    account = Section(
        "account",
        _("账户"),
        _fields(User, "username", "phone", "phone_verified", "date_joined", "last_login"),
        [user],
    )
    consents = Section(
        "consents",
        _("隐私政策同意记录"),
        _fields(PrivacyConsent, "version", "given_at", "withdrawn_at"),
        list(PrivacyConsent.objects.filter(user=user).order_by("given_at", "pk")),
    )
    notifications = Section(
        "notifications",
        _("通知"),
        _fields(Notification, "title", "body", "created_at", "read_at"),
        list(Notification.objects.filter(user=user).order_by("created_at", "pk")),
    )
    member = (
        Member.objects.filter(user=user)
        .select_related("street", "organization", "employer")
        .first()
    )
    sections = [account]
    if member is not None:
        sections.append(
            Section(
                "member",
                _("人员信息"),
                _fields(
                    Member,
                    "name",
                    "gender",
                    "phone",
                    "occupation",
                    "employer",
                    "platform_worker_id",
                    "street",
                    "organization",
                    "political_status",
                    "is_mobile",
                    "joined_party_on",
                    "reported_community",
                    "reported_on",
                    "consent_to_contact",
                    "created_at",
                ),
                [member],
            )
        )
        sections += [
            Section(
                "status_changes",
                _("政治面貌变动"),
                _fields(
                    MemberStatusChange,
                    "changed_on",
                    "from_status",
                    "to_status",
                    "is_correction",
                    "note",
                    "attachment",
                ),
                list(MemberStatusChange.objects.filter(member=member).order_by("pk")),
            ),
            Section(
                "transfers",
                _("组织关系转接"),
                _fields(
                    Transfer,
                    "from_organization",
                    "to_organization",
                    "reason",
                    "status",
                    "decision_note",
                ),
                list(
                    Transfer.objects.filter(member=member)
                    .select_related("from_organization", "to_organization")
                    .order_by("pk")
                ),
            ),
            Section(
                "checkins",
                _("站点报到"),
                _fields(CheckIn, "station", "checked_in_at"),
                list(
                    CheckIn.objects.filter(member=member)
                    .select_related("station")
                    .order_by("checked_in_at", "pk")
                ),
            ),
            Section(
                "signups",
                _("活动报名"),
                _fields(Signup, "activity", "status", "queued_at"),
                list(
                    Signup.objects.filter(member=member)
                    .select_related("activity")
                    .order_by("queued_at", "pk")
                ),
            ),
            Section(
                "attendance",
                _("活动出勤"),
                _fields(Attendance, "activity", "status", "late", "left_early", "checked_in_at"),
                list(
                    Attendance.objects.filter(member=member)
                    .select_related("activity")
                    .order_by("pk")
                ),
            ),
            Section(
                "leave_requests",
                _("请假"),
                _fields(LeaveRequest, "activity", "reason", "status", "requested_at"),
                list(
                    LeaveRequest.objects.filter(member=member)
                    .select_related("activity")
                    .order_by("pk")
                ),
            ),
            Section(
                "reports",
                _("民情前哨事件"),
                _fields(Report, "category", "description", "address", "state", "submitted_at"),
                list(
                    Report.objects.filter(reporter=member).select_related("category").order_by("pk")
                ),
            ),
            Section(
                "me_toos",
                _("附议"),
                _fields(MeToo, "report", "created_at"),
                list(MeToo.objects.filter(member=member).order_by("pk")),
            ),
            Section(
                "contact_visits",
                _("走访记录"),
                _fields(ContactVisit, "visited_on", "notes", "follow_up"),
                list(ContactVisit.objects.filter(member=member).order_by("pk")),
            ),
            *_program_sections(member),
            Section(
                "erasure_requests",
                _("删除个人信息申请"),
                _fields(ErasureRequest, "requested_at", "status", "handled_at"),
                list(ErasureRequest.objects.filter(member=member).order_by("pk")),
            ),
        ]
    sections += [consents, notifications]
    return sections


def _program_sections(member) -> list[Section]:
    """Issue 6's programs: the passport (stamps, points, volunteer service, lessons, route stops,
    leaderboard opt-in), benefit claims, aid applications with their moves and documents,
    commendations and career plans. One query each. Staff identities (who decided, redeemed,
    ticked) are left out, as in the sections above: they are other people's data."""
    from services.models import (
        AidAction,
        AidApplication,
        AidAttachment,
        BenefitClaim,
        CareerPlan,
        Commendation,
        LessonCompletion,
        MilestoneCompletion,
        PassportSettings,
        PointEntry,
        RouteStopVisit,
        Stamp,
        VolunteerService,
    )

    applications = AidApplication.objects.filter(applicant=member)
    return [
        Section(
            "stamps",
            _("印章"),
            _fields(Stamp, "type", "source_kind", "label", "awarded_at"),
            list(Stamp.objects.filter(member=member).select_related("type").order_by("pk")),
        ),
        Section(
            "points",
            _("积分记录"),
            _fields(PointEntry, "created_at", "kind", "points", "source_kind", "label", "reason"),
            list(PointEntry.objects.filter(member=member).order_by("pk")),
        ),
        Section(
            "volunteer_services",
            _("志愿服务时长"),
            _fields(
                VolunteerService,
                "served_on",
                "activity",
                "description",
                "hours",
                "status",
                "refusal_reason",
                "created_at",
            ),
            list(
                VolunteerService.objects.filter(member=member)
                .select_related("activity")
                .order_by("pk")
            ),
        ),
        Section(
            "lessons",
            _("课程完成记录"),
            _fields(LessonCompletion, "lesson", "opened_at", "finished_at"),
            list(
                LessonCompletion.objects.filter(member=member)
                .select_related("lesson")
                .order_by("pk")
            ),
        ),
        Section(
            "route_stop_visits",
            _("路线打卡"),
            _fields(RouteStopVisit, "stop", "method", "visited_at"),
            list(
                RouteStopVisit.objects.filter(member=member)
                .select_related("stop__route")
                .order_by("pk")
            ),
        ),
        Section(
            "passport_settings",
            _("护照设置"),
            _fields(PassportSettings, "leaderboard_opt_in", "updated_at"),
            list(PassportSettings.objects.filter(member=member)),
        ),
        Section(
            "benefit_claims",
            _("优惠领取"),
            _fields(BenefitClaim, "benefit", "code", "claimed_at", "redeemed_at"),
            list(
                BenefitClaim.objects.filter(member=member).select_related("benefit").order_by("pk")
            ),
        ),
        Section(
            "aid_applications",
            _("帮扶申请"),
            _fields(AidApplication, "program", "amount", "reason", "state", "submitted_at"),
            list(applications.select_related("program").order_by("pk")),
        ),
        Section(
            "aid_actions",
            _("帮扶申请记录"),
            _fields(AidAction, "application", "at", "to_state", "note"),
            list(
                AidAction.objects.filter(application__in=applications)
                .select_related("application__program", "application__applicant")
                .order_by("pk")
            ),
        ),
        Section(
            "aid_attachments",
            _("帮扶申请附件"),
            _fields(AidAttachment, "application", "kind", "original_name", "uploaded_at"),
            list(
                AidAttachment.objects.filter(application__in=applications)
                .select_related("application__program", "application__applicant")
                .order_by("pk")
            ),
        ),
        Section(
            "commendations",
            _("表彰"),
            _fields(
                Commendation,
                "year",
                "title",
                "citation",
                "state",
                "nominated_at",
                "decided_at",
                "decision_note",
            ),
            list(Commendation.objects.filter(member=member).order_by("pk")),
        ),
        Section(
            "career_plans",
            _("个人成长计划"),
            _fields(CareerPlan, "track", "started_on"),
            list(CareerPlan.objects.filter(member=member).select_related("track").order_by("pk")),
        ),
        Section(
            "milestones",
            _("里程碑完成记录"),
            _fields(MilestoneCompletion, "plan", "milestone", "completed_at", "note"),
            list(
                MilestoneCompletion.objects.filter(plan__member=member)
                .select_related("plan__track", "plan__member", "milestone")
                .order_by("pk")
            ),
        ),
    ]
