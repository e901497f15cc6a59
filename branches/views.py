import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Event
from audit.record import record_event
from branches import actions
from branches.forms import (
    MemberForm,
    RosterFilterForm,
    StatusCorrectionForm,
    StatusStepForm,
    TransferDecisionForm,
    TransferRequestForm,
    VisitForm,
)
from branches.models import (
    ContactVisit,
    Enterprise,
    Instructor,
    Member,
    Organization,
    OrganizationKind,
    OrganizerAssignment,
    PoliticalStatus,
    Transfer,
    VisitTarget,
)
from branches.phones import record_reveal, replay_reveal
from branches.resources import MemberResource, RosterCSV, RosterXLSX, template_dataset
from branches.roles import logs_visits, manages_people
from branches.tree import nest
from yangpu_portal.pagecache import cached_page
from yangpu_portal.pagination import BoundedPaginator
from yangpu_portal.uploads import download_response

ROSTER_PAGE_SIZE = 50
EXPORT_FORMATS = {"xlsx": RosterXLSX, "csv": RosterCSV}


@login_required
@require_GET
def organization_tree(request):
    """The organizations in the user's scope as a collapsible tree, each with its direct
    member count and its subtree total. One query for the rows (plus the one that finds the
    user's scope roots); the totals are summed over those rows in Python."""
    if not manages_people(request.user):
        raise PermissionDenied
    organizations = list(
        Organization.objects.visible_to(request.user)
        .select_related("street", "enterprise")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )
    roots = nest(organizations)
    return render(
        request,
        "branches/organization_tree.html",
        {"organizations": organizations, "roots": roots},
    )


@login_required
@require_GET
def organization_detail(request, pk):
    """One organization: its details, child organizations with subtree totals, organizers,
    pairings and direct members (50 a page). A constant number of queries."""
    if not manages_people(request.user):
        raise PermissionDenied
    organization = get_object_or_404(
        Organization.objects.visible_to(request.user).select_related("street", "enterprise"),
        pk=pk,
    )
    subtree = list(
        Organization.objects.filter(path__startswith=organization.path)
        .select_related("street", "enterprise")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )
    (node,) = nest(subtree)
    organizers = Q(organization=organization)
    if organization.kind == OrganizationKind.STREET_COMMITTEE and organization.street_id:
        organizers |= Q(street=organization.street_id)
    members = organization.members.select_related("street", "employer").order_by("name", "pk")
    page = Paginator(members, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    record_reveal(by=request.user, page="organization", members=page.object_list)
    context = {
        "organization": organization,
        "node": node,
        "parent": Organization.objects.get_parent(organization) if organization.depth > 1 else None,
        "organizers": OrganizerAssignment.objects.filter(organizers).select_related("user"),
        "pairings": organization.pairings.select_related("street"),
        "page": page,
    }
    return render(request, "branches/organization_detail.html", context)


@login_required
@require_GET
@cached_page(replay=replay_reveal)
def member_list(request):
    """The roster: members in scope, searchable by name or phone, filterable, 50 a page."""
    if not manages_people(request.user):
        raise PermissionDenied
    form = RosterFilterForm(request.GET, user=request.user)
    members = form.filter(Member.objects.visible_to(request.user))
    members = members.select_related("street", "organization", "employer")
    page = BoundedPaginator(members.order_by("name", "pk"), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ids = record_reveal(by=request.user, page="roster", members=page.object_list)
    response = render(request, "branches/member_list.html", {"form": form, "page": page})
    response.page_cache_meta = {"page": "roster", "members": ids}
    return response


@login_required
@require_GET
def member_export(request, fmt):
    """The roster's filtered rows as XLSX or CSV, in the import template's columns. The rows
    are `Member.objects.visible_to(user)`, so every phone in the file is in the viewer's
    scope and exported in full (a masked phone would not re-import); cells that a spreadsheet
    would run as a formula are escaped."""
    _organizer_or_403(request.user)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = RosterFilterForm(request.GET, user=request.user)
    members = form.filter(Member.objects.visible_to(request.user)).order_by("name", "pk")
    file_format = EXPORT_FORMATS[fmt]()
    stamp = timezone.localdate().strftime("%Y%m%d")
    # The export is recorded before its bytes leave; no record, no file.
    with transaction.atomic():
        dataset = MemberResource().export(members)
        body = file_format.export_data(dataset)
        record_event(
            event=Event.EXPORT,
            actor=request.user,
            detail={
                "what": "roster",
                "format": fmt,
                "filters": form.applied(),
                "rows": len(dataset),
            },
        )
    response = HttpResponse(body, content_type=file_format.get_content_type())
    response["Content-Disposition"] = content_disposition_header(True, f"人员名册-{stamp}.{fmt}")
    return response


@login_required
@require_GET
def member_template(request):
    """The empty import template (XLSX, header row only): no personal data in it."""
    _organizer_or_403(request.user)
    response = HttpResponse(
        RosterXLSX().export_data(template_dataset()),
        content_type=RosterXLSX().get_content_type(),
    )
    response["Content-Disposition"] = content_disposition_header(True, "人员名册导入模板.xlsx")
    return response


# --- Members ------------------------------------------------------------------------------------


def _organizer_or_403(user):
    if not manages_people(user):
        raise PermissionDenied


def _member_in_scope(request, pk) -> Member:
    """The member `pk` if the user organizes people and the member is in their scope: 403 for
    roles without a roster, 404 outside scope."""
    _organizer_or_403(request.user)
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related(
            "street", "organization", "employer", "user"
        ),
        pk=pk,
    )


def _add_errors(form, error: ValidationError) -> None:
    """Attach an action's ValidationError to `form` (to a field when the form has it)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _render_member(request, member, status=200, **forms):
    statuses = actions.next_statuses(member)
    context = {
        "member": member,
        "changes": member.status_changes.select_related("recorded_by"),
        "transfers": member.transfers.select_related(
            "from_organization", "to_organization", "requested_by", "decided_by"
        ),
        "step_form": forms.get("step_form")
        or StatusStepForm(member=member, user=request.user, statuses=statuses),
        "correction_form": forms.get("correction_form")
        or StatusCorrectionForm(
            member=member,
            user=request.user,
            statuses=[s for s in PoliticalStatus.values if s != member.political_status],
        ),
        "transfer_form": forms.get("transfer_form") or TransferRequestForm(),
        "can_advance": bool(statuses),
    }
    return render(request, "branches/member_detail.html", context, status=status)


@login_required
@require_GET
@cached_page(replay=replay_reveal)
def member_detail(request, pk):
    """A member's details, status timeline and transfer history, with the forms to record the
    next step, a correction or a transfer request. The unmasked phone is recorded as seen."""
    member = _member_in_scope(request, pk)
    ids = record_reveal(by=request.user, page="member", members=[member])
    response = _render_member(request, member)
    response.page_cache_meta = {"page": "member", "members": ids}
    return response


@login_required
@require_GET
def status_attachment(request, pk, change_pk):
    """A status step's attachment, streamed from storage to people whose scope covers the
    member (403 for roles without a roster, 404 outside scope). Party documents are sensitive:
    they are never served from a public media URL."""
    member = _member_in_scope(request, pk)
    change = get_object_or_404(member.status_changes.exclude(attachment=""), pk=change_pk)
    return download_response(change.attachment)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    _organizer_or_403(request.user)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.member_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": member.name})
            return redirect("branches:member-detail", pk=member.pk)
    return render(request, "branches/member_form.html", {"form": form, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _member_in_scope(request, pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.member_update(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存 %(name)s 的信息。") % {"name": member.name})
            return redirect("branches:member-detail", pk=member.pk)
    return render(request, "branches/member_form.html", {"form": form, "member": member})


def _status_post(request, pk, *, correction: bool):
    member = _member_in_scope(request, pk)
    if correction:
        statuses = [s for s in PoliticalStatus.values if s != member.political_status]
        form_class, key = StatusCorrectionForm, "correction_form"
    else:
        statuses = actions.next_statuses(member)
        form_class, key = StatusStepForm, "step_form"
    form = form_class(
        request.POST, request.FILES, member=member, user=request.user, statuses=statuses
    )
    if form.is_valid():
        data = form.cleaned_data
        common = {
            "member": member,
            "to_status": data["to_status"],
            "on": data["changed_on"],
            "by": request.user,
            "attachment": data["attachment"],
            "organization": data["organization"],
        }
        try:
            if correction:
                actions.member_correct_status(reason=data["note"], **common)
            else:
                actions.member_advance_status(note=data["note"], **common)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已记录政治面貌变更。"))
            return redirect("branches:member-detail", pk=member.pk)
    return _render_member(request, member, status=400, **{key: form})


@login_required
@require_POST
def member_status_advance(request, pk):
    """Record the member's next lifecycle step (or leaving)."""
    return _status_post(request, pk, correction=False)


@login_required
@require_POST
def member_status_correct(request, pk):
    """Record a correction of the member's status, with its reason."""
    return _status_post(request, pk, correction=True)


# --- Transfers ----------------------------------------------------------------------------------


@login_required
@require_POST
def transfer_create(request, pk):
    """Ask to move a member in scope to another organization."""
    member = _member_in_scope(request, pk)
    form = TransferRequestForm(request.POST)
    if form.is_valid():
        try:
            actions.transfer_request(by=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("转接申请已提交，等待转入党组织接收。"))
            return redirect("branches:member-detail", pk=member.pk)
    return _render_member(request, member, status=400, transfer_form=form)


@login_required
@require_GET
def transfer_list(request):
    """Pending transfers the user decides (incoming), then the other transfers they can see.
    Phones of members outside the user's scope (people being transferred in) are masked."""
    _organizer_or_403(request.user)
    related = ("member", "from_organization", "to_organization", "requested_by", "decided_by")
    incoming = list(Transfer.objects.incoming_for(request.user).select_related(*related))
    others = list(
        Transfer.objects.visible_to(request.user)
        .exclude(pk__in=[t.pk for t in incoming])
        .select_related(*related)[:100]
    )
    member_ids = {t.member_id for t in incoming + others}
    in_scope = set(
        Member.objects.visible_to(request.user)
        .filter(pk__in=member_ids)
        .values_list("pk", flat=True)
    )
    for transfer in incoming + others:
        transfer.member_phone = (
            transfer.member.phone
            if transfer.member_id in in_scope
            else transfer.member.masked_phone
        )
        transfer.member_in_scope = transfer.member_id in in_scope
    record_reveal(
        by=request.user,
        page="transfers",
        members=[t.member for t in incoming + others if t.member_in_scope],
    )
    context = {"incoming": incoming, "others": others, "decision_form": TransferDecisionForm()}
    return render(request, "branches/transfer_list.html", context)


@login_required
@require_POST
def transfer_decide(request, pk):
    """Accept or refuse a pending transfer: 404 if the user cannot see it, 403 if they can
    but do not organize the receiving organization."""
    _organizer_or_403(request.user)
    transfer = get_object_or_404(Transfer.objects.visible_to(request.user), pk=pk)
    if not actions.may_decide_transfer(request.user, transfer):
        raise PermissionDenied
    form = TransferDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("branches:transfer-list")
    try:
        if form.cleaned_data["decision"] == "accept":
            actions.transfer_accept(
                transfer=transfer, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("已接收转接。"))
        else:
            actions.transfer_refuse(
                transfer=transfer, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("已拒绝转接。"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("branches:transfer-list")


# --- Contact visits -----------------------------------------------------------------------------

COVERAGE_DAYS = 90


def _visitor_or_403(user):
    if not logs_visits(user):
        raise PermissionDenied


def _place_visits():
    """The stations app's place-visit reader (settings.BRANCHES_PLACE_VISITS), or None when
    place visits are off. Named in settings because branches may not import stations."""
    name = getattr(settings, "BRANCHES_PLACE_VISITS", "")
    return import_string(name) if name else None


@login_required
@require_GET
def visit_list(request):
    """The visits the user logged (district staff: everyone's), newest first, 50 a page. Place
    visits (stations, outlets) get their place from the stations app in one more query."""
    _visitor_or_403(request.user)
    visits = (
        ContactVisit.objects.visible_to(request.user)
        .select_related("worker", "enterprise", "member", "street")
        .order_by("-visited_on", "-pk")
    )
    page = Paginator(visits, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    places = _place_visits()
    place_ids = [v.pk for v in page.object_list if v.target_kind == VisitTarget.PLACE]
    if places is not None and place_ids:
        targets = places.describe(place_ids)
        for visit in page.object_list:
            visit.place_target = targets.get(visit.pk)
    context = {
        "page": page,
        "today": timezone.localdate(),
        "place_visit_url": places.create_url() if places is not None else "",
    }
    return render(request, "branches/visit_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    _visitor_or_403(request.user)
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.visit_create(
                by=request.user,
                visited_on=data["visited_on"],
                notes=data["notes"],
                enterprise=data["enterprise"],
                member=data["member"],
                follow_up=data["follow_up"],
                follow_up_due=data["follow_up_due"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已记录走访。"))
            return redirect("branches:visit-list")
    return render(request, "branches/visit_form.html", {"form": form})


@login_required
@require_GET
def visit_coverage(request):
    """Enterprises not visited by anyone in the last 90 days (never visited first), with their
    instructors; then the stations and outlets (those the user may see) not visited either,
    from the stations app. A fixed number of queries, whatever the number of rows."""
    if not (logs_visits(request.user) or manages_people(request.user)):
        raise PermissionDenied
    since = timezone.localdate() - datetime.timedelta(days=COVERAGE_DAYS)
    enterprises = (
        Enterprise.objects.annotate(last_visit=Max("visits__visited_on"))
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=since))
        .prefetch_related(
            Prefetch("instructors", queryset=Instructor.objects.filter(is_active=True))
        )
        .order_by(F("last_visit").asc(nulls_first=True), "name")
    )
    places = _place_visits()
    context = {
        "enterprises": enterprises,
        "since": since,
        "days": COVERAGE_DAYS,
        "place_sections": places.coverage(since=since, user=request.user) if places else [],
    }
    return render(request, "branches/visit_coverage.html", context)
