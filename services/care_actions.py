"""Every state change of aid applications, commendations and career plans (issue 6). One
transaction each; a move outside the workflow raises ValidationError and writes nothing; a
move by someone without the scope raises PermissionDenied.

    Aid:          已提交 → 已审核 → 已批准 → 已发放
                                  ↘ 未批准
    Commendation: 已提名 → 已批准 (on the honour roll) | 未批准
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member
from services.aid_files import clean_attachment
from services.care import (
    AID_MAX_ATTACHMENTS,
    AID_MOVES,
    AidAction,
    AidApplication,
    AidAttachment,
    AidProgram,
    AidState,
    CareerMilestone,
    CareerPlan,
    CareerTrack,
    Commendation,
    CommendationState,
    MilestoneCompletion,
    _members_in_scope,
)
from services.models import member_of

# --- Aid applications ---------------------------------------------------------------------------


@transaction.atomic
def aid_apply(
    *, by, program: AidProgram, amount: Decimal, reason: str, files: list | None = None
) -> AidApplication:
    """File an application for the member linked to `by`, with up to 5 attachments (images
    re-encoded without metadata, PDFs checked by magic bytes). Raises PermissionDenied without
    a member record, ValidationError on bad input (nothing is stored then)."""
    member = member_of(by)
    if member is None:
        raise PermissionDenied
    files = files or []
    if len(files) > AID_MAX_ATTACHMENTS:
        raise ValidationError(_("最多上传 %(n)d 个附件。") % {"n": AID_MAX_ATTACHMENTS})
    if not program.is_active:
        raise ValidationError(_("该帮扶项目目前不接受申请。"))
    if program.max_amount is not None and amount > program.max_amount:
        raise ValidationError(
            _("申请金额不能超过 %(max)s 元。") % {"max": f"{program.max_amount.normalize():f}"}
        )
    cleaned = [(upload.name, *clean_attachment(upload)) for upload in files]
    application = AidApplication(program=program, applicant=member, amount=amount, reason=reason)
    application.full_clean()
    application.save()
    AidAction.objects.create(application=application, by=by, to_state=AidState.SUBMITTED)
    for original_name, kind, content in cleaned:
        AidAttachment.objects.create(
            application=application, kind=kind, file=content, original_name=original_name[:200]
        )
    return application


@transaction.atomic
def aid_move(*, application: AidApplication, move: str, by, note: str = "") -> AidApplication:
    """Apply one workflow move ("review", "approve", "refuse", "pay") with who, when and a
    note (required to refuse). Reviewers are the organizers whose scope covers the applicant
    and district staff, never the applicant. Raises PermissionDenied or ValidationError."""
    if move not in AID_MOVES:
        raise ValidationError(_("未知的操作。"))
    if not AidApplication.objects.reviewable_by(by).filter(pk=application.pk).exists():
        raise PermissionDenied
    allowed, to = AID_MOVES[move]
    if move == "refuse" and not note.strip():
        raise ValidationError(_("请填写不予批准的理由。"))
    locked = AidApplication.objects.select_for_update().get(pk=application.pk)
    if locked.state not in allowed:
        raise ValidationError(
            _("当前状态“%(state)s”不能执行此操作。") % {"state": locked.get_state_display()}
        )
    AidAction.objects.create(
        application=locked, by=by, from_state=locked.state, to_state=to, note=note.strip()
    )
    locked.state = to
    locked.save(update_fields=["state"])
    application.refresh_from_db()
    return application


# --- Commendations -------------------------------------------------------------------------------


@transaction.atomic
def commendation_nominate(*, by, member: Member, title: str, year: int, citation: str):
    """An organizer nominates a member in their scope (district staff: anyone). Raises
    PermissionDenied outside the scope, ValidationError for a second nomination of the same
    member for the same honour and year."""
    if not (
        by.has_perm("services.add_commendation")
        or _members_in_scope(by).filter(pk=member.pk).exists()
    ):
        raise PermissionDenied
    commendation = Commendation(
        member=member, title=title.strip(), year=year, citation=citation.strip(), nominated_by=by
    )
    commendation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            commendation.save()
    except IntegrityError:
        raise ValidationError(_("该人员已被提名过这一年度的这项荣誉。")) from None
    return commendation


@transaction.atomic
def commendation_decide(*, commendation: Commendation, approve: bool, by, note: str = ""):
    """A district admin (`services.change_commendation`) approves or declines a nomination.
    Raises PermissionDenied for anyone else, ValidationError if already decided."""
    if not by.has_perm("services.change_commendation"):
        raise PermissionDenied
    locked = Commendation.objects.select_for_update().get(pk=commendation.pk)
    if locked.state != CommendationState.NOMINATED:
        raise ValidationError(_("该提名已审批。"))
    locked.state = CommendationState.APPROVED if approve else CommendationState.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:500]
    locked.save()
    commendation.refresh_from_db()
    return commendation


# --- Career plans ------------------------------------------------------------------------------


@transaction.atomic
def career_plan_start(*, by, member: Member, track: CareerTrack) -> CareerPlan:
    """Put a member in the organizer's scope on a track. Raises PermissionDenied outside the
    scope, ValidationError if the member is already on it."""
    if not (
        by.has_perm("services.add_careerplan")
        or _members_in_scope(by).filter(pk=member.pk).exists()
    ):
        raise PermissionDenied
    if member.user_id is not None and member.user_id == by.pk:
        raise PermissionDenied
    try:
        with transaction.atomic():
            plan = CareerPlan.objects.create(track=track, member=member, created_by=by)
    except IntegrityError:
        raise ValidationError(_("该人员已在这个成长计划中。")) from None
    return plan


@transaction.atomic
def milestone_tick(
    *, plan: CareerPlan, milestone: CareerMilestone, by, done: bool = True, note: str = ""
) -> CareerPlan:
    """Mark a milestone of the plan's track done (or not done again), with who and when.
    Ticking twice or unticking an open one changes nothing. Raises PermissionDenied unless
    `by` manages the plan, ValidationError for a milestone of another track."""
    if not CareerPlan.objects.managed_by(by).filter(pk=plan.pk).exists():
        raise PermissionDenied
    if milestone.track_id != plan.track_id:
        raise ValidationError(_("该里程碑不属于这个成长计划。"))
    if done:
        MilestoneCompletion.objects.get_or_create(
            plan=plan, milestone=milestone, defaults={"completed_by": by, "note": note[:200]}
        )
    else:
        MilestoneCompletion.objects.filter(plan=plan, milestone=milestone).delete()
    return plan
