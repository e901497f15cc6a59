"""Pages of the vanguard passport (`/passport/`), micro-courses (`/courses/`) and party-lesson
routes (`/routes/`), issue 6. Reads are querysets and `services.passport`; writes go through
`services.passport_actions` and `services.passport.points_reverse`. GET never writes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Enterprise, Member, Street
from services import passport, passport_actions
from services.models import (
    CourseSeries,
    Lesson,
    LessonCompletion,
    PassportSettings,
    PointEntry,
    Route,
    RouteStop,
    RouteStopVisit,
    Stamp,
    StampGoal,
    StopMethod,
    VolunteerService,
    VolunteerStatus,
    member_of,
)
from services.passport_forms import (
    LessonFinishForm,
    OptInForm,
    ReverseForm,
    StopCheckinForm,
    VolunteerDecideForm,
    VolunteerDeclareForm,
)
from stations.maps import for_display
from stations.qr import qr_svg
from yangpu_portal.navigation import roles_of
from yangpu_portal.pagecache import cached_page

LEDGER_PAGE_SIZE = 20
PASSPORT_LEDGER_ROWS = 10
LEADERBOARD_SIZE = 20


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- The passport -------------------------------------------------------------------------------


def _goals(stamps: int) -> list[dict]:
    return [
        {
            "goal": goal,
            "reached": stamps >= goal.stamps_required,
            "have": min(stamps, goal.stamps_required),
            "percent": min(100, stamps * 100 // goal.stamps_required),
        }
        for goal in StampGoal.objects.filter(is_active=True)
    ]


@login_required
@require_GET
@cached_page
def passport_page(request):
    """The member's passport: stamp grid, hours, points and the latest ledger lines, goals, the
    QR member card and the leaderboard switch. A constant number of queries."""
    member = member_of(request.user)
    if member is None:
        return render(request, "services/passport.html", {"member": None})
    stamps = list(Stamp.objects.of(member).select_related("type"))
    token = passport.card_token(member)
    card_url = request.build_absolute_uri(reverse("services:passport-card", args=[token]))
    opted = PassportSettings.objects.filter(member=member, leaderboard_opt_in=True).exists()
    context = {
        "member": member,
        "stamps": stamps,
        "balance": passport.points_balance(member),
        "hours": passport.volunteer_hours(member),
        "entries": PointEntry.objects.of(member)[:PASSPORT_LEDGER_ROWS],
        "goals": _goals(len(stamps)),
        "card": qr_svg(card_url, border=2),
        "opt_in_form": OptInForm(initial={"opt_in": opted}),
        "opted_in": opted,
        "declare_form": VolunteerDeclareForm(),
        "services": VolunteerService.objects.filter(member=member)[:10],
    }
    return render(request, "services/passport.html", context)


@login_required
@require_GET
def passport_ledger(request):
    """The whole points ledger, newest first, paginated. Three queries whatever its length."""
    member = member_of(request.user)
    if member is None:
        raise Http404
    page = Paginator(
        PointEntry.objects.of(member).select_related("created_by"), LEDGER_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "services/passport_ledger.html",
        {"page": page, "balance": passport.points_balance(member)},
    )


@login_required
@require_POST
def passport_optin(request):
    form = OptInForm(request.POST)
    form.is_valid()  # a single optional checkbox: absent means off
    try:
        row = passport_actions.passport_leaderboard_set(
            by=request.user, opt_in=form.cleaned_data.get("opt_in", False)
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        if row.leaderboard_opt_in:
            messages.success(request, _("您已加入排行榜，姓名将打码显示。"))
        else:
            messages.success(request, _("您已退出排行榜。"))
    return redirect("services:passport")


@login_required
@require_GET
def leaderboard(request):
    """Points leaderboards of one street (default: the member's) or one enterprise: only members
    who opted in, names masked. Four queries."""
    member = member_of(request.user)
    streets = list(Street.objects.order_by("sort_order", "pk"))
    enterprises = list(Enterprise.objects.order_by("name", "pk"))
    board = Member.objects.filter(passport_settings__leaderboard_opt_in=True)
    street = enterprise = None
    if request.GET.get("enterprise"):
        enterprise = next((e for e in enterprises if str(e.pk) == request.GET["enterprise"]), None)
        board = board.filter(employer=enterprise) if enterprise else board.none()
    else:
        wanted = request.GET.get("street") or (str(member.street_id) if member else "")
        street = next((s for s in streets if str(s.pk) == wanted), None) or (
            streets[0] if streets else None
        )
        board = board.filter(street=street) if street else board.none()
    rows = (
        board.annotate(points=Coalesce(Sum("point_entries__points"), 0))
        .filter(points__gt=0)
        .order_by("-points", "pk")
        .values("pk", "name", "points")[:LEADERBOARD_SIZE]
    )
    ranking = [
        {
            "rank": i,
            "name": passport.mask_name(r["name"]),
            "points": r["points"],
            "me": bool(member and r["pk"] == member.pk),
        }
        for i, r in enumerate(rows, start=1)
    ]
    context = {
        "streets": streets,
        "enterprises": enterprises,
        "street": street,
        "enterprise": enterprise,
        "ranking": ranking,
    }
    return render(request, "services/passport_leaderboard.html", context)


# --- Volunteer hours ----------------------------------------------------------------------------


@login_required
@require_POST
def volunteer_declare(request):
    form = VolunteerDeclareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("申报未提交：%(errors)s") % {"errors": _form_errors(form)})
        return redirect("services:passport")
    try:
        passport_actions.volunteer_declare(by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("志愿服务已申报，等待组织审核。"))
    return redirect("services:passport")


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_GET
def volunteer_review(request):
    """Organizers' queue of pending declarations of members in their scope."""
    roles = roles_of(request.user)
    if not (roles.manages_people or request.user.has_perm("services.change_volunteerservice")):
        raise PermissionDenied
    pending = (
        VolunteerService.objects.reviewable_by(request.user)
        .filter(status=VolunteerStatus.PENDING)
        .select_related("member")
        .order_by("served_on", "pk")
    )
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(
        request, "services/volunteer_review.html", {"page": page, "form": VolunteerDecideForm()}
    )


@login_required
@require_POST
def volunteer_decide(request, pk):
    service = get_object_or_404(
        VolunteerService.objects.reviewable_by(request.user).select_related("member"), pk=pk
    )
    form = VolunteerDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("services:volunteer-review")
    try:
        if form.cleaned_data["decision"] == "approve":
            passport_actions.volunteer_approve(service=service, by=request.user)
            messages.success(request, _("已认定 %(name)s 的志愿服务。") % {"name": service.member})
        else:
            passport_actions.volunteer_refuse(
                service=service, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已不予认定。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("services:volunteer-review")


# --- The member card (staff scan it) ------------------------------------------------------------


def _card_member(request, token):
    member_id = passport.member_id_from_card(token)
    if member_id is None:
        raise Http404
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("street", "organization"),
        pk=member_id,
    )


@login_required
@require_GET
def passport_card(request, token):
    """What scanning a member card shows: the member, if in the viewer's scope (404 outside),
    with stamps, hours, points and the latest ledger lines; district staff may reverse one."""
    member = _card_member(request, token)
    context = {
        "member": member,
        "token": token,
        "stamp_count": passport.stamp_count(member),
        "balance": passport.points_balance(member),
        "hours": passport.volunteer_hours(member),
        "entries": PointEntry.objects.of(member).select_related("reversed_by")[:20],
        "may_reverse": request.user.has_perm("services.add_pointentry"),
        "reverse_form": ReverseForm(),
    }
    return render(request, "services/passport_card.html", context)


@login_required
@require_POST
def entry_reverse(request, pk):
    entry = get_object_or_404(
        PointEntry.objects.filter(member__in=Member.objects.visible_to(request.user).values("pk")),
        pk=pk,
    )
    if not request.user.has_perm("services.add_pointentry"):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写更正原因。"))
    else:
        try:
            passport.points_reverse(
                entry=entry, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已冲正该积分记录。"))
    token = passport.card_token(entry.member)
    return redirect("services:passport-card", token=token)


# --- Micro-courses ------------------------------------------------------------------------------


@require_GET
def course_list(request):
    """Published series and their published lessons; a member's finished ones are marked.
    Three queries (two for anonymous visitors)."""
    series = CourseSeries.objects.published().prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.published().order_by("order", "pk"))
    )
    member = member_of(request.user)
    done = set(
        LessonCompletion.objects.filter(member=member).values_list("lesson_id", flat=True)
        if member
        else []
    )
    return render(request, "services/course_list.html", {"series": series, "done": done})


def _published_lessons():
    return Lesson.objects.published().filter(series__is_published=True).select_related("series")


@require_GET
def lesson_detail(request, pk):
    """A lesson. A signed-in member's page carries the signed time it was opened, which the
    finish POST checks against the lesson's duration (no write here)."""
    lesson = get_object_or_404(_published_lessons(), pk=pk)
    member = member_of(request.user)
    completion = (
        LessonCompletion.objects.filter(member=member, lesson=lesson).first() if member else None
    )
    form = None
    if member is not None and completion is None:
        form = LessonFinishForm(
            initial={"token": passport_actions.lesson_token(lesson=lesson, member=member)}
        )
    context = {"lesson": lesson, "member": member, "completion": completion, "form": form}
    return render(request, "services/lesson_detail.html", context)


@login_required
@require_POST
def lesson_finish(request, pk):
    lesson = get_object_or_404(_published_lessons(), pk=pk)
    form = LessonFinishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("学习记录无效，请重新打开课程。"))
        return redirect("services:lesson-detail", pk=lesson.pk)
    try:
        result = passport_actions.lesson_finish(
            lesson=lesson, by=request.user, token=form.cleaned_data["token"]
        )
    except ValidationError as exc:
        _error(request, exc)
        # Keep the same token: the time already spent still counts.
        return render(
            request,
            "services/lesson_detail.html",
            {"lesson": lesson, "member": member_of(request.user), "form": form},
            status=400,
        )
    if result.created:
        messages.success(request, _("已完成本课，获得一枚护照印章。"))
    else:
        messages.info(request, _("您已完成过本课。"))
    return redirect("services:lesson-detail", pk=lesson.pk)


# --- Party-lesson routes ------------------------------------------------------------------------


@require_GET
def route_list(request):
    routes = Route.objects.published().prefetch_related("stops")
    return render(request, "services/route_list.html", {"routes": routes})


def _route_map(route, stops, visited) -> dict:
    tiles, to_display = for_display(settings.STATIONS_MAP_TILES, settings.STATIONS_TIANDITU_KEY)
    points = []
    for stop in stops:
        lat, lng = to_display(stop.latitude, stop.longitude)
        points.append(
            {
                "lat": lat,
                "lng": lng,
                "name": f"{stop.order}. {stop.name}",
                "visited": stop.pk in visited,
            }
        )
    return {"tiles": tiles, "stops": points}


@require_GET
def route_detail(request, pk):
    """A route: its stops in order on the map and in a list; a member sees which they have
    visited and checks in at a stop by location (the form's fields filled by route-locate.js)."""
    route = get_object_or_404(Route.objects.published(), pk=pk)
    stops = list(route.stops.order_by("order", "pk"))
    member = member_of(request.user)
    visited = set(
        RouteStopVisit.objects.filter(member=member, stop__route=route).values_list(
            "stop_id", flat=True
        )
        if member
        else []
    )
    context = {
        "route": route,
        "stops": stops,
        "visited": visited,
        "member": member,
        "finished": bool(stops) and len(visited) == len(stops),
        "map_data": _route_map(route, stops, visited),
        "manage": request.user.has_perm("services.change_route"),
    }
    return render(request, "services/route_detail.html", context)


def _report_checkin(request, result) -> None:
    if not result.created:
        messages.info(request, _("您已在该站点打过卡。"))
    elif result.route_finished:
        messages.success(request, _("打卡成功！您已走完整条路线，获得路线徽章。"))
    else:
        messages.success(request, _("打卡成功，获得一枚护照印章。"))


@login_required
@require_POST
def stop_checkin(request, pk):
    """Check in at a stop by the phone's location (within 100 m)."""
    stop = get_object_or_404(
        RouteStop.objects.filter(route__is_published=True).select_related("route"), pk=pk
    )
    form = StopCheckinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未能获取您的位置，请允许定位或扫描站点二维码。"))
    else:
        try:
            result = passport_actions.route_stop_checkin(
                stop=stop, by=request.user, method=StopMethod.LOCATION, **form.cleaned_data
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            _report_checkin(request, result)
    return redirect("services:route-detail", pk=stop.route_id)


@require_http_methods(["GET", "POST"])
def stop_qr(request, code):
    """The QR sign at a stop (`/routes/stop/<code>/`): GET shows the stop and a confirm button;
    the POST checks in. Visitors who are not signed in sign in and come back."""
    stop = get_object_or_404(
        RouteStop.objects.filter(route__is_published=True).select_related("route"), code=code
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = member_of(request.user)
    if request.method == "POST" and member is not None:
        try:
            result = passport_actions.route_stop_checkin(
                stop=stop, by=request.user, method=StopMethod.QR
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            _report_checkin(request, result)
        return redirect("services:route-detail", pk=stop.route_id)
    visited = bool(member) and RouteStopVisit.objects.filter(member=member, stop=stop).exists()
    return render(
        request,
        "services/stop_qr.html",
        {"stop": stop, "member": member, "visited": visited},
        status=200 if member else 403,
    )


@login_required
@require_GET
def stop_poster(request, pk):
    """A printable QR sign for a stop (district staff who manage routes)."""
    if not request.user.has_perm("services.change_route"):
        raise PermissionDenied
    stop = get_object_or_404(RouteStop.objects.select_related("route"), pk=pk)
    landing = request.build_absolute_uri(reverse("services:stop-qr", args=[stop.code]))
    return render(
        request,
        "services/stop_poster.html",
        {"stop": stop, "qr": qr_svg(landing), "landing": landing},
    )
