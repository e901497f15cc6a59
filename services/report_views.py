"""Pages of the sentinel reports (issue 7): file, follow, the public list, the triage console."""

from statistics import median

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Street
from services import report_actions as actions
from services.models import member_of
from services.report_forms import (
    ConfirmForm,
    MoveForm,
    NearbyForm,
    ReportForm,
    TriageFilterForm,
)
from services.reports import OPEN_STATES, Report, ReportAction, ReportCategory, ReportState
from stations.maps import for_display, tile_source
from yangpu_portal import freshness
from yangpu_portal.navigation import roles_of
from yangpu_portal.pagecache import cached_page
from yangpu_portal.pagination import BoundedPaginator

PAGE_SIZE = 50
# The public map shows the most recent reports, at most this many (one query, bounded).
MAP_LIMIT = 500
# Where the location picker opens when the reporter's street has no centroid: 杨浦区 (WGS-84).
DISTRICT_CENTRE = (31.2700, 121.5260)


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _require_member(request):
    member = member_of(request.user)
    if member is None:
        raise PermissionDenied(_("只有登记在册的成员可以上报。"))
    return member


# --- Reporting ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    """The mobile-first form. At submit, open reports of the same category within 50 m are
    shown first, with "me too"; filing anyway is one more click."""
    _require_member(request)
    nearby = []
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nearby = Report.objects.nearby(
            category=data["category"], latitude=data["latitude"], longitude=data["longitude"]
        )
        if nearby and not data["file_anyway"]:
            # Show the same form again, ready to file anyway; files cannot be re-sent.
            post = request.POST.copy()
            post["file_anyway"] = "True"
            form = ReportForm(post)
        else:
            try:
                report = actions.report_submit(
                    by=request.user,
                    category=data["category"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    street=data["street"],
                    hide_identity=data["hide_identity"],
                    photos=data["photos"],
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("已提交，感谢您的上报！"))
                return redirect(f"{_mine_url()}#report-{report.pk}")
    categories = ReportCategory.objects.filter(active=True)
    return render(
        request,
        "services/report_form.html",
        {
            "form": form,
            "nearby": nearby,
            "categories": categories,
            "picker_data": _picker_data(request.user),
        },
    )


def _picker_data(user) -> dict:
    """The location picker's data island: tiles, whether they are GCJ-02 (the script converts
    a tapped point back to WGS-84 before filling the form) and where to open the map."""
    tiles, to_display = for_display(settings.STATIONS_MAP_TILES, settings.STATIONS_TIANDITU_KEY)
    street = getattr(member_of(user), "street", None)
    centre = DISTRICT_CENTRE
    if street is not None and street.latitude is not None and street.longitude is not None:
        centre = (street.latitude, street.longitude)
    return {
        "tiles": tiles,
        "gcj02": bool(getattr(tile_source(settings.STATIONS_MAP_TILES), "gcj02", False)),
        "centre": list(to_display(*centre)),
        "labels": {"pin": _("上报位置"), "hint": _("点击地图标出位置，可拖动调整。")},
    }


@login_required
@require_GET
def report_nearby(request):
    """The form's check before submitting: open reports of the chosen category within 50 m
    from the last 30 days, as a fragment the page swaps in (htmx). Incomplete or bad input
    gives an empty fragment, never an error: the reporter is still typing."""
    _require_member(request)
    form = NearbyForm(request.GET)
    nearby = []
    if form.is_valid():
        nearby = Report.objects.nearby(**form.cleaned_data)
    return render(request, "services/includes/report_nearby.html", {"nearby": nearby})


def _mine_url():
    from django.urls import reverse

    return reverse("services:report-mine")


@login_required
@require_POST
def report_me_too(request, pk):
    _require_member(request)
    report = get_object_or_404(Report.objects.public(), pk=pk)
    try:
        actions.report_me_too(report=report, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已附议，我们会一并处理。"))
    return redirect("services:report-list")


@login_required
@require_GET
def report_mine(request):
    """The reporter's reports with their timelines. Three queries whatever the count."""
    reports = (
        Report.objects.of_user(request.user)
        .select_related("category", "street", "unit")
        .prefetch_related(
            Prefetch("actions", queryset=ReportAction.objects.order_by("at", "pk")),
            "photos",
        )
    )
    return render(
        request, "services/report_mine.html", {"reports": reports, "today": timezone.localdate()}
    )


@login_required
@require_POST
def report_confirm(request, pk):
    report = get_object_or_404(Report.objects.of_user(request.user), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择已解决或未解决。"))
    else:
        try:
            actions.report_confirm(
                report=report,
                fixed=form.cleaned_data["fixed"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("感谢您的反馈。"))
    return redirect("services:report-mine")


# --- Public list --------------------------------------------------------------------------------


@require_GET
@cached_page
def report_list(request):
    """Public: category, state and a location rounded to ~100 m; never the reporter. Counts
    per street and the median days to resolve. Queries: the page; the total, the statistics
    and the map come from the cache until a report moves (`freshness.REPORTS`, bumped by the
    report actions), else the total, the per-street counts, the resolution durations and the
    map's rows."""
    reports = Report.objects.public().select_related("category", "street")
    figures = {
        **freshness.cached((freshness.REPORTS,), f"report-list:{get_language()}", _public_figures)
    }
    paginator = BoundedPaginator(reports, PAGE_SIZE)
    paginator.count = figures.pop("count")  # counted with the figures: no COUNT per page
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "services/report_list.html", {"page": page, **figures})


def _public_figures() -> dict:
    """The public list's statistics and map (what `report_list` caches)."""
    per_street = list(
        Street.objects.filter(reports__in=Report.objects.public())
        .annotate(total=Count("reports"))
        .order_by("sort_order", "name")
    )
    durations = [
        (resolved - submitted).total_seconds() / 86400
        for submitted, resolved in Report.objects.filter(
            state=ReportState.RESOLVED, resolved_at__isnull=False
        ).values_list("submitted_at", "resolved_at")
    ]
    median_days = round(median(durations), 1) if durations else None
    return {
        "count": Report.objects.public().count(),
        "per_street": per_street,
        "median_days": median_days,
        "map_data": _public_map_data(),
    }


def _public_map_data() -> dict:
    """The public map's data island: the most recent reports at about 100 m (3 decimals),
    category and state only: never the reporter or the description. One query."""
    tiles, to_display = for_display(settings.STATIONS_MAP_TILES, settings.STATIONS_TIANDITU_KEY)
    states = dict(ReportState.choices)
    rows = (
        Report.objects.public()
        .order_by("-submitted_at")
        .values_list("pk", "category__name", "state", "latitude", "longitude")[:MAP_LIMIT]
    )
    markers = []
    for pk, category, state, latitude, longitude in rows:
        lat, lng = to_display(round(latitude, 3), round(longitude, 3))
        markers.append(
            {
                "id": pk,
                "lat": round(lat, 5),
                "lng": round(lng, 5),
                "category": category,
                "state": str(states.get(state, state)),
                "open": state in OPEN_STATES,
            }
        )
    return {"tiles": tiles, "reports": markers}


# --- Triage console -----------------------------------------------------------------------------


def _may_triage(user) -> bool:
    """District staff and organizers. An organizer without a street scope (enterprise level)
    sees an empty queue: reports are routed by street."""
    return user.has_perm("services.change_report") or roles_of(user).organizer


@login_required
@require_GET
@cached_page
def triage(request):
    """The queue of reports in the organizer's streets: filters, overdue highlighting.
    Constant queries: filter choices, the page and its count."""
    if not _may_triage(request.user):
        raise PermissionDenied
    form = TriageFilterForm(request.GET or None)
    reports = Report.objects.visible_to(request.user).select_related(
        "category", "street", "unit", "reporter"
    )
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("state"):
        reports = reports.filter(state=data["state"])
    else:
        reports = reports.filter(state__in=OPEN_STATES)
    if data.get("category"):
        reports = reports.filter(category=data["category"])
    if data.get("street"):
        reports = reports.filter(street=data["street"])
    today = timezone.localdate()
    if data.get("overdue"):
        reports = reports.filter(due_date__lt=today, state__in=OPEN_STATES)
    page = BoundedPaginator(reports.order_by("submitted_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "services/report_triage.html", {"form": form, "page": page, "today": today}
    )


@login_required
@require_POST
def triage_bulk_accept(request):
    if not _may_triage(request.user):
        raise PermissionDenied
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
    accepted = 0
    for report in Report.objects.visible_to(request.user).filter(
        pk__in=ids, state=ReportState.SUBMITTED
    ):
        actions.report_accept(report=report, by=request.user)
        accepted += 1
    messages.success(request, _("已受理 %(n)d 条。") % {"n": accepted})
    return redirect("services:report-triage")


@login_required
@require_http_methods(["GET", "POST"])
def triage_detail(request, pk):
    """One report for its handlers: the reporter (always shown here), timeline, and the moves
    its state allows, with the routing rule's proposed unit."""
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "category", "street", "unit", "reporter", "duplicate_of"
        ),
        pk=pk,
    )
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                _apply_move(report, form.cleaned_data, request.user, request.FILES.get("photo"))
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("已更新。"))
        else:
            messages.error(request, _("操作无效。"))
        return redirect("services:report-triage-detail", pk=report.pk)
    return render(
        request,
        "services/report_triage_detail.html",
        {
            "report": report,
            "proposed": actions.proposed_unit(report),
            "units": actions.HandlingUnit.objects.all(),
            "timeline": report.actions.select_related("by"),
            "photos": report.photos.all(),
            "overdue": report.is_overdue(),
        },
    )


def _apply_move(report, data, user, photo=None):
    move, note = data["move"], data["note"]
    if move == "accept":
        actions.report_accept(report=report, by=user, note=note)
    elif move == "dispatch":
        unit = data["unit"] or actions.proposed_unit(report)
        if unit is None:
            raise ValidationError(_("请选择处置单位。"))
        actions.report_dispatch(report=report, unit=unit, by=user, note=note)
    elif move == "start":
        actions.report_start(report=report, by=user, note=note)
    elif move == "resolve":
        actions.report_resolve(report=report, by=user, note=note, photo=photo)
    elif move == "reject":
        actions.report_reject(report=report, by=user, reason=note)
    elif move == "duplicate":
        original = Report.objects.visible_to(user).filter(pk=data["original"] or 0).first()
        if original is None:
            raise ValidationError(_("请填写原始事件编号。"))
        actions.report_mark_duplicate(report=report, original=original, by=user, reason=note)
