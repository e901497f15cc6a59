"""Every state change of the branches app. Views, admin, imports and commands call these."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import (
    IMPORT_JOB_ERRORS_KEPT,
    LIFECYCLE,
    WITHOUT_ORGANIZATION,
    ContactVisit,
    Enterprise,
    ImportJobState,
    ImportOutcome,
    Member,
    MemberStatusChange,
    Organization,
    OrganizationKind,
    OrganizerAssignment,
    Pairing,
    PoliticalStatus,
    RosterImport,
    RosterImportJob,
    Street,
    Transfer,
    TransferStatus,
    VisitTarget,
)
from branches.models.imports import IMPORT_JOB_FILE_FORMATS
from branches.phones import normalize_phone
from yangpu_portal import pagecache
from yangpu_portal.dashboard.refresh import refresh_soon

logger = logging.getLogger(__name__)

# Editable through `member_update`; status and organization change through the lifecycle and
# transfer actions only, so that every such change leaves a record.
MEMBER_EDITABLE_FIELDS = (
    "name",
    "gender",
    "phone",
    "occupation",
    "employer",
    "platform_worker_id",
    "street",
    "is_mobile",
    "joined_party_on",
    "reported_community",
    "reported_on",
    "consent_to_contact",
)


@transaction.atomic
def organization_create(
    *, parent: Organization | None, name: str, kind: str, by=None, **fields
) -> Organization:
    """Add an organization under `parent` (None: a new district committee root).

    Raises ValidationError when `kind` may not sit under the parent's kind (a branch never
    parents a committee) or when the row fails model validation."""
    if parent is None:
        if kind != OrganizationKind.DISTRICT:
            raise ValidationError(_("只有区委可以作为组织树的根。"), code="root_kind")
    elif not parent.may_parent(kind):
        raise ValidationError(
            _("%(parent)s（%(parent_kind)s）下不能设立%(kind)s。")
            % {
                "parent": parent.name,
                "parent_kind": parent.get_kind_display(),
                "kind": OrganizationKind(kind).label,
            },
            code="kind_rule",
        )
    organization = Organization(name=name, kind=kind, **fields)
    organization.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=organization)
    # A fresh copy of the parent: treebeard reads its path and child count from the row.
    return Organization.objects.add_child(
        Organization.objects.get(pk=parent.pk), instance=organization
    )


@transaction.atomic
def member_create(*, by=None, phone: str, **fields) -> Member:
    """Create a member with a normalized phone. Raises ValidationError on bad input."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    member = Member(phone=normalize_phone(phone), **fields)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_update(*, member: Member, by, **fields) -> Member:
    """Change a member's own details (not status or organization: see the lifecycle and
    transfer actions). Raises ValidationError on bad input; nothing is saved then."""
    unknown = set(fields) - set(MEMBER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"member_update cannot change {sorted(unknown)}")
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"])
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    return member


def next_statuses(member: Member) -> list[str]:
    """The statuses `member_advance_status` accepts for `member`: the next lifecycle step
    (if any) and leaving (unless already left)."""
    if member.political_status == PoliticalStatus.LEFT:
        return []
    position = LIFECYCLE.index(PoliticalStatus(member.political_status))
    steps = [LIFECYCLE[position + 1]] if position + 1 < len(LIFECYCLE) else []
    return [*steps, PoliticalStatus.LEFT]


def _record_status(
    *,
    member: Member,
    to_status: str,
    on: datetime.date,
    by,
    note: str,
    attachment,
    organization: Organization | None,
    is_correction: bool,
) -> MemberStatusChange:
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    if on > timezone.localdate():
        raise ValidationError({"changed_on": _("日期不能晚于今天。")}, code="future")
    change = MemberStatusChange(
        member=member,
        from_status=member.political_status,
        to_status=to_status,
        changed_on=on,
        recorded_by=by,
        note=note.strip(),
        is_correction=is_correction,
    )
    if attachment:
        change.attachment = attachment
    change.full_clean(exclude=["member"])
    member.political_status = to_status
    if to_status in WITHOUT_ORGANIZATION:
        member.organization = None
    elif organization is not None:
        member.organization = organization
    if to_status == PoliticalStatus.PROBATIONARY and member.joined_party_on is None:
        member.joined_party_on = on
    member.full_clean()
    member.save()
    change.save()
    return change


@transaction.atomic
def member_advance_status(
    *,
    member: Member,
    to_status: str,
    on: datetime.date,
    by,
    note: str = "",
    attachment=None,
    organization: Organization | None = None,
) -> MemberStatusChange:
    """Record the member's next lifecycle step (群众 → 入党申请人 → 入党积极分子 → 发展对象 →
    预备党员 → 正式党员), or leaving (已离开, from any step; clears the organization).
    `organization` optionally sets the member's organization with the step (an applicant's
    branch). Raises ValidationError for any other step: going back needs a correction."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if to_status not in next_statuses(member):
        raise ValidationError(
            _("不能从“%(from)s”变更为“%(to)s”：只能按顺序前进一步或离开；如需改回，请登记更正。")
            % {
                "from": PoliticalStatus(member.political_status).label,
                "to": PoliticalStatus(to_status).label
                if to_status in PoliticalStatus.values
                else to_status,
            },
            code="not_forward",
        )
    return _record_status(
        member=member,
        to_status=to_status,
        on=on,
        by=by,
        note=note,
        attachment=attachment,
        organization=organization,
        is_correction=False,
    )


@transaction.atomic
def member_correct_status(
    *,
    member: Member,
    to_status: str,
    on: datetime.date,
    by,
    reason: str,
    attachment=None,
    organization: Organization | None = None,
) -> MemberStatusChange:
    """Record a correction: any status to any other, with a reason (kept in `note`, shown on
    the timeline, marked as a correction). Raises ValidationError without a reason."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not reason.strip():
        raise ValidationError({"note": _("更正必须填写原因。")}, code="reason_required")
    if to_status == member.political_status:
        raise ValidationError({"to_status": _("新政治面貌与当前相同。")}, code="unchanged")
    return _record_status(
        member=member,
        to_status=to_status,
        on=on,
        by=by,
        note=reason,
        attachment=attachment,
        organization=organization,
        is_correction=True,
    )


# --- Transfers (组织关系转接) ----------------------------------------------------------------


def may_decide_transfer(user, transfer: Transfer) -> bool:
    """Whether `user` organizes the receiving organization (or is district staff)."""
    if user.has_perm("branches.change_transfer"):
        return True
    return Organization.objects.visible_to(user).filter(pk=transfer.to_organization_id).exists()


@transaction.atomic
def transfer_request(
    *, member: Member, to_organization: Organization, by, reason: str = ""
) -> Transfer:
    """Ask to move `member` to `to_organization`. Raises ValidationError when the member is
    not in the party lifecycle, already there, or has a pending request."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.political_status in WITHOUT_ORGANIZATION:
        raise ValidationError(
            _("%(status)s没有组织关系，无需转接。")
            % {"status": PoliticalStatus(member.political_status).label},
            code="no_relation",
        )
    if to_organization.kind == OrganizationKind.DISTRICT:
        raise ValidationError({"to_organization": _("请选择一个基层党组织。")}, code="district")
    if to_organization.pk == member.organization_id:
        raise ValidationError(
            {"to_organization": _("该人员已在这个党组织。")}, code="same_organization"
        )
    if Transfer.objects.filter(member=member, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("该人员已有一条待接收的转接申请。"), code="pending_exists")
    transfer = Transfer(
        member=member,
        from_organization=member.organization,
        to_organization=to_organization,
        reason=reason.strip(),
        requested_by=by,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


def _pending_for_decision(transfer: Transfer, by) -> Transfer:
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("这条转接申请已经处理过了。"), code="decided")
    if not may_decide_transfer(by, transfer):
        raise PermissionDenied
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by, note: str = "") -> Transfer:
    """The receiving organizer accepts: the member moves to the receiving organization.
    Raises PermissionDenied for anyone else, ValidationError if already decided."""
    transfer = _pending_for_decision(transfer, by)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    member.organization = transfer.to_organization
    member.full_clean()
    member.save()
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()
    transfer.full_clean()
    transfer.save()
    return transfer


@transaction.atomic
def transfer_refuse(*, transfer: Transfer, by, note: str) -> Transfer:
    """The receiving organizer refuses, with a reason; the member stays."""
    transfer = _pending_for_decision(transfer, by)
    if not note.strip():
        raise ValidationError({"decision_note": _("拒绝时必须填写原因。")}, code="reason")
    transfer.status = TransferStatus.REFUSED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()
    transfer.full_clean()
    transfer.save()
    return transfer


@transaction.atomic
def pairing_create(
    *, organization: Organization, community: str, street, started_on, notes: str = "", by=None
) -> Pairing:
    """Pair an enterprise organization with a residential community. Raises ValidationError
    when the organization has no platform enterprise or the pairing already exists."""
    pairing = Pairing(
        organization=organization,
        community=community.strip(),
        street=street,
        started_on=started_on,
        notes=notes,
    )
    pairing.full_clean()
    pairing.save()
    return pairing


def roster_import_record(*, by, file_name: str, sha256: str, result, dry_run: bool) -> RosterImport:
    """Record one roster dry run or import (runs after the import's own transaction, so a
    rolled-back import is still recorded). `result` is django-import-export's Result."""
    from import_export.results import RowResult

    failed = result.has_errors() or result.has_validation_errors()
    if dry_run:
        outcome = ImportOutcome.CHECK_FAILED if failed else ImportOutcome.CHECKED
    else:
        outcome = ImportOutcome.ROLLED_BACK if failed else ImportOutcome.IMPORTED
    totals = result.totals
    return RosterImport.objects.create(
        user=by if getattr(by, "pk", None) else None,
        file_name=file_name[:255],
        sha256=sha256,
        dry_run=dry_run,
        total_rows=result.total_rows,
        new_rows=totals[RowResult.IMPORT_TYPE_NEW],
        updated_rows=totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged_rows=totals[RowResult.IMPORT_TYPE_SKIP],
        error_rows=totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR],
        outcome=outcome,
    )


@transaction.atomic
def visit_create(
    *,
    by,
    visited_on: datetime.date,
    notes: str,
    enterprise: Enterprise | None = None,
    member: Member | None = None,
    place_street: Street | None = None,
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
) -> ContactVisit:
    """Log a contact visit by `by` to exactly one target: an enterprise, a member, or a place
    (a station or an outlet, in `place_street`; only `stations.actions.place_visit_create`
    passes it, and records which place in the same transaction). The visit's street is the
    member's or the place's, else the worker's first street assignment. Raises
    ValidationError on bad input (no or two targets, a future date, a due date without a
    follow-up)."""
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("日期不能晚于今天。")}, code="future")
    if [enterprise, member, place_street].count(None) != 2:
        raise ValidationError(_("请选择一个走访对象：企业或人员。"), code="one_target")
    if follow_up_due is not None and not follow_up.strip():
        raise ValidationError(
            {"follow_up": _("填写了办理期限，请同时写明后续事项。")}, code="due_without_follow_up"
        )
    if enterprise is not None:
        kind, street = VisitTarget.ENTERPRISE, None
    elif member is not None:
        kind, street = VisitTarget.MEMBER, member.street
    else:
        kind, street = VisitTarget.PLACE, place_street
    if street is None:
        assignment = (
            OrganizerAssignment.objects.filter(user=by, street__isnull=False)
            .select_related("street")
            .first()
        )
        street = assignment.street if assignment else None
    visit = ContactVisit(
        worker=by,
        visited_on=visited_on,
        target_kind=kind,
        enterprise=enterprise,
        member=member,
        street=street,
        notes=notes.strip(),
        follow_up=follow_up.strip(),
        follow_up_due=follow_up_due,
    )
    visit.full_clean()
    visit.save()
    return visit


# --- Large roster files, in the background --------------------------------------------------


@transaction.atomic
def roster_import_job_start(*, by, upload, file_format: str, language: str = "") -> RosterImportJob:
    """Keep `upload` (a Django UploadedFile) in Django's storage and queue its dry run. The
    task row is written in this transaction (django-tasks-db), so a worker never sees a job
    that was not saved; with the immediate backend the dry run runs here, inline."""
    if file_format not in IMPORT_JOB_FILE_FORMATS:
        raise ValidationError(_("只能导入 XLSX 或 CSV 文件。"), code="format")
    job = RosterImportJob(
        user=by,
        file_name=(upload.name or "")[:255],
        file_format=file_format,
        file_size=upload.size,
        language=language[:10],
    )
    job.upload.save(upload.name or job.file_format, upload, save=False)
    job.save()
    _enqueue_roster_import(job)
    return job


@transaction.atomic
def roster_import_job_confirm(*, job: RosterImportJob, by) -> RosterImportJob:
    """Queue the real import of a job whose dry run passed. Only the person who uploaded the
    file confirms it. Raises PermissionDenied, or ValidationError if the job is not waiting
    for a confirmation (already confirmed, failed, or still running)."""
    job = RosterImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != by.pk:
        raise PermissionDenied
    if job.state != ImportJobState.CHECKED or not job.dry_run:
        raise ValidationError(_("这个导入不在等待确认的状态。"), code="state")
    job.dry_run = False
    job.state = ImportJobState.QUEUED
    job.processed_rows = 0
    job.save(update_fields=["dry_run", "state", "processed_rows", "updated_at"])
    _enqueue_roster_import(job)
    return job


def _enqueue_roster_import(job):
    from branches.tasks import run_roster_import

    result = run_roster_import.enqueue(job_id=str(job.pk))
    RosterImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def roster_import_job_run(*, job_id) -> str:
    """The worker's part: read the job's file from storage, run the same resource as the
    admin's in-request path (dry run, or the real import after a confirmation), and keep the
    outcome on the job and in a `RosterImport` record. Deliberately not one transaction: the
    progress (rows read) is committed as the file is read, so the admin's progress page sees
    it; the import itself writes all rows in one transaction at the end, or none
    (`MemberResource.import_data`). Returns the job's final state."""
    from branches.resources import ROSTER_FORMATS, MemberResource

    # Claim the job: a duplicate delivery, or a second worker, finds it no longer queued.
    claimed = RosterImportJob.objects.filter(pk=job_id, state=ImportJobState.QUEUED).update(
        state=ImportJobState.RUNNING, processed_rows=0, updated_at=timezone.now()
    )
    job = RosterImportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job.state
    language = job.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return _run_roster_job(job, ROSTER_FORMATS, MemberResource)
    except Exception:
        logger.exception("Roster import job %s failed", job.pk)
        with translation.override(language):
            message = _("处理时出现意外错误，没有写入任何数据。请重新上传，或联系管理员。")
        _finish_roster_job(job, state=ImportJobState.FAILED, message=str(message))
        raise


def _run_roster_job(job, formats, resource_class) -> str:
    failed_state = ImportJobState.CHECK_FAILED if job.dry_run else ImportJobState.ROLLED_BACK
    file_format = next(f for f in formats if f().get_title() == job.file_format)()
    try:
        with job.upload.open("rb") as stored:
            dataset = file_format.create_dataset(stored.read())
    except ValueError as error:
        return _finish_roster_job(job, state=failed_state, message=str(error))
    if not job.dry_run and dataset.sha256 != job.sha256:
        return _finish_roster_job(
            job, state=failed_state, message=str(_("文件在预检之后被改动过，请重新上传。"))
        )
    total = len(dataset)
    RosterImportJob.objects.filter(pk=job.pk).update(total_rows=total)

    def progress(rows, writing=False):
        RosterImportJob.objects.filter(pk=job.pk).update(
            processed_rows=min(rows, total),
            state=ImportJobState.WRITING if writing else ImportJobState.RUNNING,
            updated_at=timezone.now(),
        )

    result = resource_class().import_data(
        dataset,
        dry_run=job.dry_run,
        raise_errors=False,
        user=job.user,
        file_name=job.file_name,
        progress=progress,
        keep_rows=False,
    )
    if job.dry_run:
        state = ImportJobState.CHECK_FAILED if result.failed else ImportJobState.CHECKED
    else:
        state = ImportJobState.ROLLED_BACK if result.failed else ImportJobState.IMPORTED
        if not result.failed:
            pagecache.invalidate()  # written by the worker, outside any request
    messages = []
    for error in result.base_errors:
        cause = error.error
        messages.extend(cause.messages if isinstance(cause, ValidationError) else [str(cause)])
    totals = result.totals
    return _finish_roster_job(
        job,
        state=state,
        message="\n".join(messages),
        sha256=dataset.sha256,
        total_rows=total,
        processed_rows=total,
        new_rows=totals["new"],
        updated_rows=totals["update"],
        unchanged_rows=totals["skip"],
        error_rows=totals["invalid"] + totals["error"],
        errors=result.row_report[:IMPORT_JOB_ERRORS_KEPT],
    )


def roster_import_uploads_prune(*, before, by=None) -> int:
    """Retention (PIPL): a background import checked but not confirmed since `before` gives
    its file (names, phones, party status) back to storage and ends as failed, with a message
    to upload it again. One audit record when anything was deleted. Returns the jobs ended."""
    from audit.models import Event
    from audit.record import record_event

    ended = 0
    for job in RosterImportJob.unconfirmed_since(before).select_for_update(skip_locked=True):
        _finish_roster_job(
            job,
            state=ImportJobState.FAILED,
            message=str(_("预检后长时间未确认，文件已按保存期限删除，请重新上传。")),
        )
        ended += 1
    if ended:
        record_event(
            event=Event.DELETE,
            actor=by,
            detail={
                "what": "retention",
                "roster_import_uploads": ended,
                "before": before.isoformat(),
            },
        )
    return ended


def _finish_roster_job(job, *, state, **fields) -> str:
    """Store the outcome; a job that will not be confirmed gives its file back to storage."""
    RosterImportJob.objects.filter(pk=job.pk).update(
        state=state, updated_at=timezone.now(), **fields
    )
    if state != ImportJobState.CHECKED and job.upload:
        job.upload.delete(save=False)
        RosterImportJob.objects.filter(pk=job.pk).update(upload="")
    return state
