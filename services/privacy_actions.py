"""Writes for PIPL requests: a member asks for erasure; an organizer in scope carries it out.

What "anonymized everywhere" means (docs/decisions.md):
- the member row stays, as an anonymous stub: name "已删除 #<id>", phone a unique placeholder
  ("109" + 8 digits of the id: no mainland carrier uses 10x, so it reaches nobody and cannot
  collide with a real number), platform id, reported community and dates blanked, contact
  consent off. Its organization, street, occupation and status stay, so branch counts,
  check-in and attendance totals still add up, but nothing in them names a person;
- free text about them is blanked (status-change notes, transfer reasons and decisions,
  leave reasons, contact-visit notes) and their reports' descriptions and addresses replaced;
- files about them are deleted (status-change attachments, report photos, aid documents), from
  storage too;
- issue 6's programs: volunteer descriptions, aid reasons and commendation citations replaced,
  refusal reasons, aid move notes, commendation decision notes and milestone notes blanked,
  volunteer stamp and points labels and points-correction reasons replaced, the leaderboard
  opt-in removed; an approved commendation leaves the public honour roll. Counts (stamps,
  points, hours, lessons, stops, benefit claims, aid amounts and states) stay with the stub;
- their account is disabled and stripped (username, names, phone, e-mail, WeChat link,
  authenticators, sessions) and their notifications deleted;
- one ERASURE audit record says who did it, when, and what was counted, without the removed
  values (the field-by-field recorder is suspended for the erasure).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.changes import suspended
from audit.models import Event
from audit.record import record_event
from branches.models import ContactVisit, Member, MemberStatusChange, Transfer
from branches.roles import manages_people
from services.models import LeaveRequest, Notification
from services.privacy import ErasureRequest, ErasureStatus
from services.reports import Report, ReportPhoto

PLACEHOLDER_PREFIX = "109"


def placeholder_phone(member_id: int) -> str:
    return f"{PLACEHOLDER_PREFIX}{member_id:08d}"


@transaction.atomic
def erasure_request(*, member: Member, by) -> ErasureRequest:
    """`by` (the member's own account) asks for their data to be deleted. Asking again while a
    request is pending returns that request."""
    if member.user_id is None or member.user_id != by.pk:
        raise PermissionDenied
    pending = ErasureRequest.objects.pending().filter(member=member).first()
    if pending is not None:
        return pending
    try:
        with transaction.atomic():
            return ErasureRequest.objects.create(member=member)
    except IntegrityError:  # a second tap raced the first
        return ErasureRequest.objects.pending().get(member=member)


def _delete_files_after_commit(files) -> None:
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def member_anonymize(*, member: Member, by) -> dict:
    """Anonymize `member` everywhere (see the module's docstring). Returns the counts that the
    audit record keeps. Safe to run twice."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    counts = {}
    with suspended():
        changes = MemberStatusChange.objects.filter(member=member)
        _delete_files_after_commit([c.attachment for c in changes if c.attachment])
        counts["status_changes"] = changes.update(note="", attachment="")
        counts["transfers"] = Transfer.objects.filter(member=member).update(
            reason="", decision_note=""
        )
        counts["leave_requests"] = LeaveRequest.objects.filter(member=member).update(
            reason=_("（已删除）")
        )
        counts["contact_visits"] = ContactVisit.objects.filter(member=member).update(
            notes=_("（已删除）"), follow_up=""
        )
        reports = Report.objects.filter(reporter=member)
        photos = list(ReportPhoto.objects.filter(report__in=reports, at_resolution=False))
        _delete_files_after_commit([p.image for p in photos])
        counts["report_photos"] = ReportPhoto.objects.filter(
            pk__in=[p.pk for p in photos]
        ).delete()[0]
        counts["reports"] = reports.update(
            description=_("（报告人已申请删除个人信息）"), address="", hide_identity=True
        )
        counts.update(_anonymize_programs(member))
        user = member.user
        member.name = _("已删除 #%(id)s") % {"id": member.pk}
        member.phone = placeholder_phone(member.pk)
        member.platform_worker_id = ""
        member.reported_community = ""
        member.reported_on = None
        member.consent_to_contact = False
        member.user = None
        member.save()
        if user is not None:
            counts["notifications"] = Notification.objects.filter(user=user).delete()[0]
            _disable_account(user)
    record_event(
        event=Event.ERASURE,
        actor=by,
        obj=member,
        detail={"member": member.pk, "account": user.pk if user else None, "counts": counts},
    )
    return counts


def _anonymize_programs(member: Member) -> dict:
    """Issue 6's records about `member`: their own words and notes about them are replaced or
    blanked, aid documents deleted (rows and files), the leaderboard opt-in removed. Counts
    stay (stamps, points, hours, lessons, stops, claims, aid amounts and states), tied to the
    anonymous stub, so programme totals and the aid accounts still add up. Points entries are
    otherwise never edited: an erasure is the one exception, and it touches their text only."""
    from services.care import (
        AidAction,
        AidApplication,
        AidAttachment,
        Commendation,
        MilestoneCompletion,
    )
    from services.models import (
        LedgerKind,
        PassportSettings,
        PointEntry,
        SourceKind,
        Stamp,
        VolunteerService,
    )

    removed = _("（已删除）")
    counts = {}
    counts["volunteer_services"] = VolunteerService.objects.filter(member=member).update(
        description=removed, refusal_reason=""
    )
    # A volunteer stamp or points entry is labelled with the member's own description.
    counts["stamps"] = Stamp.objects.filter(member=member, source_kind=SourceKind.VOLUNTEER).update(
        label=removed
    )
    entries = PointEntry.objects.filter(member=member)
    counts["point_labels"] = entries.filter(source_kind=SourceKind.VOLUNTEER).update(label=removed)
    # A correction needs a reason (a check constraint): replaced, not blanked.
    counts["point_corrections"] = entries.filter(kind=LedgerKind.CORRECTION).update(reason=removed)
    counts["passport_settings"] = PassportSettings.objects.filter(member=member).delete()[0]
    applications = AidApplication.objects.filter(applicant=member)
    counts["aid_applications"] = applications.update(reason=removed)
    counts["aid_actions"] = AidAction.objects.filter(application__in=applications).update(note="")
    attachments = list(AidAttachment.objects.filter(application__in=applications))
    _delete_files_after_commit([a.file for a in attachments])
    counts["aid_attachments"] = AidAttachment.objects.filter(
        pk__in=[a.pk for a in attachments]
    ).delete()[0]
    counts["commendations"] = Commendation.objects.filter(member=member).update(
        citation=removed, decision_note=""
    )
    counts["milestone_notes"] = MilestoneCompletion.objects.filter(plan__member=member).update(
        note=""
    )
    return counts


def _disable_account(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession

    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.phone = None
    user.phone_verified = False
    user.is_active = False
    user.set_unusable_password()
    user.save()


@transaction.atomic
def erasure_complete(*, request: ErasureRequest, by) -> ErasureRequest:
    """An organizer whose scope covers the member carries out the request: the member is
    anonymized (`member_anonymize`) and the request marked done. ValidationError when it was
    already done; PermissionDenied for anyone outside the member's scope."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if (
        not manages_people(by)
        or not Member.objects.visible_to(by).filter(pk=request.member_id).exists()
    ):
        raise PermissionDenied
    if request.status != ErasureStatus.PENDING:
        raise ValidationError(_("该申请已办理。"), code="done")
    member_anonymize(member=request.member, by=by)
    request.status = ErasureStatus.DONE
    request.handled_by = by
    request.handled_at = timezone.now()
    request.save()
    return request
