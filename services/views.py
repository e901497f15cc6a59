import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Street
from branches.roles import manages_people
from services import actions, compliance
from services.attendance import roster, summarize
from services.forms import (
    ActivityForm,
    AmendmentForm,
    AttachmentForm,
    CalendarFilterForm,
    LeaveRequestForm,
    MinutesForm,
    ReasonForm,
)
from services.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    LeaveStatus,
    Minutes,
    MinutesAttachment,
    Notification,
    Signup,
    SignupStatus,
    member_of,
)
from services.scope import may_manage_anything
from stations.qr import qr_svg
from yangpu_portal.pagecache import cached_page
from yangpu_portal.privacy import NOTICE_VERSION, consent_from_post, consent_state
from yangpu_portal.uploads import download_response


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _aware(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _listed(request, pk):
    """An activity the user may see (404 otherwise), and whether they manage it."""
    activity = get_object_or_404(
        Activity.objects.listed_for(request.user).select_related(
            "station", "host_organization", "street", "created_by"
        ),
        pk=pk,
    )
    manages = Activity.objects.visible_to(request.user).filter(pk=activity.pk).exists()
    return activity, manages


def _managed(request, pk) -> Activity:
    """An activity the user manages: 404 when they cannot see it, 403 when they only see it."""
    activity, manages = _listed(request, pk)
    if not manages:
        raise PermissionDenied
    return activity


# --- Calendar -----------------------------------------------------------------------------------


# The month grid shows at most this many activities a day, then "N more" (a link to that day
# in the list view); the list view shows this many a page. A busy month of the district has
# about 2,000 activities (issue 10): the page stays about 50-130 rows whatever the month.
CALENDAR_DAY_LIMIT = 3
CALENDAR_PAGE_SIZE = 50


@require_GET
@cached_page
def activity_list(request):
    """The calendar: one month of activities, as a grid or a list, filterable by street, kind,
    station and program. Constant queries, bounded rows: the filter choices; for the grid the
    first `CALENDAR_DAY_LIMIT` of each day (a window function) and each day's count; for the
    list (optionally one `day`) a page of `CALENDAR_PAGE_SIZE` and its count."""
    form = CalendarFilterForm(request.GET)
    first = form.first_of_month()
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    view = form.view_mode()
    day = _day_in_month(request.GET.get("day"), first) if view == "list" else None
    if view == "month":
        start, end = weeks[0][0], weeks[-1][-1] + timedelta(1)
    else:
        start, end = (day, day + timedelta(1)) if day else (first, _month_after(first))
    # By primary key: `listed_for` may be DISTINCT, which a window function must not see. The
    # date range goes inside, so the DISTINCT never spans the whole table.
    listed = Activity.objects.filter(
        pk__in=form.filter(Activity.objects.listed_for(request.user))
        .filter(start__gte=_aware(start), start__lt=_aware(end))
        .values("pk")
    )
    context = {
        "form": form,
        "view": view,
        "first": first,
        "previous": (first - timedelta(days=1)).replace(day=1).strftime("%Y-%m"),
        "following": (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m"),
        "today": timezone.localdate(),
        "can_create": may_manage_anything(request.user),
    }
    if view == "month":
        by_day, counts = _first_of_each_day(listed)
        context["grid"] = [
            [
                (day, day.month == first.month, by_day.get(day, []), counts.get(day, 0))
                for day in week
            ]
            for week in weeks
        ]
    else:
        in_list = listed.select_related("station", "host_organization").order_by("start", "pk")
        context["day"] = day
        context["page"] = Paginator(in_list, CALENDAR_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/activity_list.html", context)


def _month_after(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _day_in_month(raw, first: date) -> date | None:
    """`raw` (a day number) as a date of the month shown, or None when absent or invalid."""
    try:
        return first.replace(day=int(raw))
    except (TypeError, ValueError):
        return None


def _first_of_each_day(activities) -> tuple[dict, dict]:
    """The first CALENDAR_DAY_LIMIT activities of each local day, and each day's total. Two
    queries whatever the number of activities."""
    day = TruncDate("start")
    ranked = (
        activities.annotate(
            day=day,
            rank=Window(RowNumber(), partition_by=[day], order_by=[F("start"), F("pk")]),
        )
        .filter(rank__lte=CALENDAR_DAY_LIMIT)
        .select_related("station", "host_organization")
        .order_by("start", "pk")
    )
    by_day = defaultdict(list)
    for activity in ranked:
        by_day[activity.day].append(activity)
    counts = dict(
        activities.annotate(day=day).values_list("day").annotate(n=Count("pk")).order_by()
    )
    return by_day, counts


@require_GET
@cached_page
def activity_detail(request, pk):
    activity, manages = _listed(request, pk)
    member = member_of(request.user)
    signup = leave = attendance = None
    if member is not None:
        signup = Signup.objects.filter(activity=activity, member=member).first()
        leave = LeaveRequest.objects.filter(activity=activity, member=member).first()
        attendance = Attendance.objects.filter(activity=activity, member=member).first()
    counts = Signup.objects.filter(activity=activity).values_list("status", flat=True)
    counts = list(counts)
    context = {
        "activity": activity,
        "manages": manages,
        "member": member,
        "signup": signup,
        "leave": leave,
        "attendance": attendance,
        "confirmed": counts.count(SignupStatus.CONFIRMED),
        "waitlisted": counts.count(SignupStatus.WAITLISTED),
        "open_for_signup": activity.status == ActivityStatus.PUBLISHED
        and activity.start > timezone.now(),
        "leave_form": LeaveRequestForm(),
    }
    if manages:
        context["pending_leave"] = activity.leave_requests.filter(
            status=LeaveStatus.PENDING
        ).select_related("member")
        # The QR code members scan at the meeting (show it on a screen or print the page).
        landing = request.build_absolute_uri(reverse("services:checkin", args=[activity.code]))
        context["checkin_url"] = landing
        context["checkin_qr"] = qr_svg(landing)
    return render(request, "services/activity_detail.html", context)


@login_required
@require_GET
def my_activities(request):
    """A member's sign-ups, their organization's coming meetings, and their attendance."""
    member = member_of(request.user)
    if member is None:
        return render(request, "services/my_activities.html", {"member": None})
    now = timezone.now()
    signups = (
        Signup.objects.filter(member=member)
        .exclude(status=SignupStatus.CANCELLED)
        .filter(activity__end__gte=now)
        .select_related("activity", "activity__station")
        .order_by("activity__start")
    )
    meetings = (
        Activity.objects.for_audience(request.user)
        .filter(audience="organization", end__gte=now)
        .select_related("station", "host_organization")
        .order_by("start")[:20]
    )
    history = (
        Attendance.objects.filter(member=member)
        .select_related("activity")
        .order_by("-activity__start")[:50]
    )
    return render(
        request,
        "services/my_activities.html",
        {"member": member, "signups": signups, "meetings": meetings, "history": history},
    )


# --- Create, edit, publish, cancel --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    if not may_manage_anything(request.user):
        raise PermissionDenied
    # The compliance board's "schedule it" link pre-fills the host and the kind.
    initial = {key: request.GET[key] for key in ("host_organization", "kind") if key in request.GET}
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        repeat, count = data.pop("repeat"), data.pop("repeat_count") or 1
        publish = data.pop("publish")
        try:
            if repeat:
                created = actions.activity_create_series(
                    by=request.user, repeat=repeat, count=count, publish=publish, **data
                )
            else:
                created = [actions.activity_create(by=request.user, publish=publish, **data)]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已创建 %(n)s 个活动。") % {"n": len(created)})
            return redirect("services:activity-detail", created[0].pk)
    return render(request, "services/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = _managed(request, pk)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.activity_update(
                activity=Activity.objects.get(pk=activity.pk), by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("活动已保存。"))
            return redirect("services:activity-detail", activity.pk)
    return render(request, "services/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_POST
def activity_publish(request, pk):
    activity = _managed(request, pk)
    try:
        actions.activity_publish(activity=activity, by=request.user)
        messages.success(request, _("活动已发布。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:activity-detail", activity.pk)


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = _managed(request, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        actions.activity_cancel(
            activity=activity, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("活动已取消，已通知报名者。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:activity-detail", activity.pk)


# --- Sign-up and leave --------------------------------------------------------------------------


@login_required
@require_POST
def signup_create(request, pk):
    activity, _manages = _listed(request, pk)
    try:
        signup = actions.signup_create(activity=activity, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if signup.status == SignupStatus.WAITLISTED:
            messages.warning(request, _("名额已满，您已进入候补名单，有空位时会通知您。"))
        else:
            messages.success(request, _("报名成功。"))
    return redirect("services:activity-detail", activity.pk)


@login_required
@require_POST
def signup_cancel(request, pk):
    activity, _manages = _listed(request, pk)
    try:
        actions.signup_cancel(activity=activity, by=request.user)
        messages.success(request, _("已取消报名。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:activity-detail", activity.pk)


@login_required
@require_POST
def leave_create(request, pk):
    activity, _manages = _listed(request, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        actions.leave_request(
            activity=activity, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("请假申请已提交，等待组织审批。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:activity-detail", activity.pk)


@login_required
@require_POST
def leave_decide(request, pk, leave_pk):
    activity = _managed(request, pk)
    leave = get_object_or_404(LeaveRequest, pk=leave_pk, activity=activity)
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        messages.error(request, _("请选择批准或不批准。"))
    else:
        actions.leave_decide(leave=leave, approve=decision == "approve", by=request.user)
        messages.success(request, _("已审批请假申请。"))
    return redirect("services:activity-detail", activity.pk)


# --- Attendance ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def checkin(request, code):
    """The activity's QR landing. GET explains and never writes; POST checks in."""
    activity = get_object_or_404(Activity.objects.published().select_related("station"), code=code)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    member = member_of(request.user)
    attendance = None
    if member is not None:
        attendance = Attendance.objects.filter(
            activity=activity, member=member, status=AttendanceStatus.PRESENT
        ).first()
    if request.method == "POST":
        consent_from_post(request)
        try:
            attendance = actions.checkin_record(activity=activity, by=request.user)
            messages.success(request, _("签到成功。"))
            return redirect("services:checkin", code=activity.code)
        except ValidationError as exc:
            _error(request, exc)
    opens, closes = activity.checkin_window()
    now = timezone.now()
    return render(
        request,
        "services/checkin.html",
        {
            "activity": activity,
            "member": member,
            "attendance": attendance,
            "window_open": opens <= now <= closes,
            "opens": opens,
            "consent": consent_state(request.user),
            "notice_version": NOTICE_VERSION,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request, pk):
    """Staff mark many members present or absent at once, with lateness and early leaving."""
    activity = _managed(request, pk)
    if request.method == "POST":
        members = list(roster(activity))
        entries = []
        for member in members:
            status = request.POST.get(f"status-{member.pk}", "")
            if status not in AttendanceStatus.values:
                continue
            entries.append(
                {
                    "member": member,
                    "status": status,
                    "late": request.POST.get(f"late-{member.pk}") == "on",
                    "left_early": request.POST.get(f"left_early-{member.pk}") == "on",
                }
            )
        try:
            actions.attendance_mark(activity=activity, by=request.user, entries=entries)
            messages.success(request, _("已保存 %(n)s 人的出勤记录。") % {"n": len(entries)})
            return redirect("services:attendance-sheet", activity.pk)
        except ValidationError as exc:
            _error(request, exc)
    summary = summarize(activity)
    return render(
        request, "services/attendance_sheet.html", {"activity": activity, "summary": summary}
    )


# --- Inbox --------------------------------------------------------------------------------------

INBOX_PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request):
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_read(request):
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()] or None
    actions.notification_mark_read(user=request.user, notification_ids=ids)
    return redirect("services:inbox")


# --- Minutes ------------------------------------------------------------------------------------


def _meeting(request, pk) -> Activity:
    activity = _managed(request, pk)
    if not activity.is_meeting:
        raise Http404
    return activity


def _minutes_context(activity):
    minutes = (
        Minutes.objects.filter(activity=activity)
        .select_related("approved_by", "written_by")
        .prefetch_related("attachments", "amendments__made_by")
        .first()
    )
    return {"activity": activity, "minutes": minutes, "summary": summarize(activity)}


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk):
    """The minutes of a 三会一课 meeting: write (until approved), attach, approve, amend."""
    activity = _meeting(request, pk)
    context = _minutes_context(activity)
    minutes = context["minutes"]
    form = MinutesForm(request.POST or None, instance=minutes)
    if request.method == "POST" and form.is_valid():
        try:
            actions.minutes_save(activity=activity, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("会议记录已保存。"))
            return redirect("services:minutes", activity.pk)
    context.update(
        form=form,
        attachment_form=AttachmentForm(),
        amendment_form=AmendmentForm(),
        may_approve=actions.may_approve_minutes(request.user, activity),
    )
    return render(request, "services/minutes.html", context)


@login_required
@require_GET
def minutes_print(request, pk):
    activity = _meeting(request, pk)
    context = _minutes_context(activity)
    if context["minutes"] is None:
        raise Http404
    return render(request, "services/minutes_print.html", context)


def _minutes_or_404(activity):
    return get_object_or_404(Minutes, activity=activity)


@login_required
@require_GET
def minutes_attachment(request, pk, attachment_pk):
    """A minutes attachment, as a download, for those who manage the meeting (like the
    minutes themselves): never from a public media URL."""
    activity = _meeting(request, pk)
    attachment = get_object_or_404(
        MinutesAttachment.objects.filter(minutes__activity=activity), pk=attachment_pk
    )
    return download_response(attachment.file)


@login_required
@require_POST
def minutes_approve(request, pk):
    activity = _meeting(request, pk)
    try:
        actions.minutes_approve(minutes=_minutes_or_404(activity), by=request.user)
        messages.success(request, _("会议记录已审定并锁定。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:minutes", activity.pk)


@login_required
@require_POST
def minutes_amend(request, pk):
    activity = _meeting(request, pk)
    # Through the form: a NUL byte or an over-long text is a form error, not a database error.
    form = AmendmentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["text"])
        actions.minutes_amend(
            minutes=_minutes_or_404(activity), by=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("更正已记录。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:minutes", activity.pk)


@login_required
@require_POST
def minutes_attach(request, pk):
    activity = _meeting(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择附件类型和文件。"))
        return redirect("services:minutes", activity.pk)
    try:
        actions.attachment_add(
            minutes=_minutes_or_404(activity), by=request.user, **form.cleaned_data
        )
        messages.success(request, _("附件已上传。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:minutes", activity.pk)


# --- The compliance board -----------------------------------------------------------------------


@login_required
@require_GET
@cached_page
def compliance_board(request):
    """三会一课 compliance of the branches in scope for one quarter, with roll-ups by street
    and for the district, and the overdue list. Organizers and district staff only."""
    if not manages_people(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
        start = date(year, 3 * quarter - 2, 1)
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
        start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    branches = compliance.branches_for(request.user)
    street = request.GET.get("street", "")
    if street.isdigit():
        branches = branches.filter(street_id=int(street))
    board_html = compliance.board_html(request, branches, start, end, today=today)
    previous = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    following = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return render(
        request,
        "services/compliance_board.html",
        {
            "board_html": board_html,
            "year": year,
            "quarter": quarter,
            "previous": previous,
            "following": following,
            "streets": Street.objects.all(),
            "street": street,
        },
    )
