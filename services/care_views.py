"""Pages of benefits, aid applications, commendations and career plans (issue 6, part 2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services import benefit_actions, care_actions
from services.benefits import Benefit, BenefitClaim
from services.care import (
    AID_MOVES,
    AidApplication,
    AidAttachment,
    CareerMilestone,
    CareerPlan,
    Commendation,
    CommendationState,
    MilestoneCompletion,
    _members_in_scope,
)
from services.care_forms import (
    AidApplicationForm,
    AidMoveForm,
    AidQueueFilterForm,
    CareerPlanForm,
    DecisionForm,
    NominationForm,
    RedeemForm,
    TickForm,
)
from services.models import member_of
from services.names import mask_name
from yangpu_portal.navigation import roles_of
from yangpu_portal.uploads import download_response

PAGE_SIZE = 50


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _require_member(request):
    member = member_of(request.user)
    if member is None:
        raise PermissionDenied(_("只有登记在册的成员可以使用此功能。"))
    return member


def _require_organizer(request) -> None:
    """Organizers (any assignment) and district staff; everyone else gets 403."""
    roles = roles_of(request.user)
    if not (roles.organizer or roles.district_admin):
        raise PermissionDenied


# --- Benefits ----------------------------------------------------------------------------------


@require_GET
def benefit_list(request):
    """Benefits on offer (public); for a signed-in member also whether each is theirs to claim
    (and why not), and the codes they claimed. A fixed number of queries."""
    benefits = list(
        Benefit.objects.current()
        .select_related("provider")
        .annotate(claimed=Count("claims"))
        .order_by("valid_until", "pk")
    )
    member = member_of(request.user)
    claims = []
    if member is not None:
        claims = list(
            BenefitClaim.objects.filter(member=member).select_related("benefit__provider")
        )
        claimed_ids = {claim.benefit_id for claim in claims}
        progress = benefit_actions.progress_of(member)
        for benefit in benefits:
            benefit.mine = benefit.pk in claimed_ids
            benefit.reason = benefit_actions.ineligibility(benefit, member, progress)
            benefit.full = benefit.claimed >= benefit.quota
    else:
        progress = None
    return render(
        request,
        "services/benefit_list.html",
        {"benefits": benefits, "claims": claims, "member": member, "progress": progress},
    )


@login_required
@require_POST
def benefit_claim(request, pk):
    _require_member(request)
    benefit = get_object_or_404(Benefit.objects.filter(is_active=True), pk=pk)
    try:
        claim = benefit_actions.benefit_claim(benefit=benefit, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("领取成功！您的兑换码是 %(code)s，请向%(provider)s出示。")
            % {"code": claim.code, "provider": benefit.provider.name},
        )
    return redirect("services:benefit-list")


@login_required
@require_http_methods(["GET", "POST"])
def benefit_redeem(request):
    """The provider's staff type a member's code to mark it redeemed; their recent redemptions
    below. Anyone who staffs no provider gets 403."""
    redeemable = BenefitClaim.objects.redeemable_by(request.user)
    if not (
        request.user.has_perm("services.change_benefitclaim")
        or request.user.benefit_providers.exists()
    ):
        raise PermissionDenied
    form = RedeemForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                claim = benefit_actions.benefit_redeem(
                    code=form.cleaned_data["code"], by=request.user
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(
                    request,
                    _("已核销：%(benefit)s（%(name)s）。")
                    % {"benefit": claim.benefit.title, "name": mask_name(claim.member.name)},
                )
                return redirect("services:benefit-redeem")
        else:
            messages.error(request, _("请输入兑换码。"))
    recent = (
        redeemable.filter(redeemed_at__isnull=False)
        .select_related("benefit", "redeemed_by", "member")
        .order_by("-redeemed_at")[:PAGE_SIZE]
    )
    for claim in recent:
        claim.masked_name = mask_name(claim.member.name)
    return render(request, "services/benefit_redeem.html", {"form": form, "recent": recent})


# --- Aid applications ---------------------------------------------------------------------------


@login_required
@require_GET
def aid_mine(request):
    """My applications with their states; the way to a new one."""
    member = member_of(request.user)
    applications = (
        AidApplication.objects.of_user(request.user)
        .select_related("program")
        .prefetch_related("actions")
    )
    roles = roles_of(request.user)
    return render(
        request,
        "services/aid_mine.html",
        {
            "applications": applications,
            "member": member,
            "reviewer": roles.organizer or roles.district_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def aid_new(request):
    _require_member(request)
    form = AidApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = care_actions.aid_apply(
                by=request.user,
                program=data["program"],
                amount=data["amount"],
                reason=data["reason"],
                files=data["attachments"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("申请已提交，我们会尽快审核。"))
            return redirect("services:aid-detail", pk=application.pk)
    return render(request, "services/aid_form.html", {"form": form})


@login_required
@require_GET
def aid_detail(request, pk):
    application = get_object_or_404(
        AidApplication.objects.visible_to(request.user).select_related(
            "program", "applicant__street"
        ),
        pk=pk,
    )
    may_review = (
        AidApplication.objects.reviewable_by(request.user).filter(pk=application.pk).exists()
    )
    moves = [move for move, (allowed, _to) in AID_MOVES.items() if application.state in allowed]
    return render(
        request,
        "services/aid_detail.html",
        {
            "application": application,
            "timeline": application.actions.select_related("by"),
            "attachments": application.attachments.all(),
            "moves": moves if may_review else [],
            "may_review": may_review,
        },
    )


@login_required
@require_POST
def aid_move(request, pk):
    application = get_object_or_404(AidApplication.objects.visible_to(request.user), pk=pk)
    form = AidMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效。"))
        return redirect("services:aid-detail", pk=application.pk)
    try:
        care_actions.aid_move(
            application=application,
            move=form.cleaned_data["move"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("已更新为“%(state)s”。") % {"state": application.get_state_display()}
        )
    return redirect("services:aid-detail", pk=application.pk)


@login_required
@require_GET
def aid_attachment(request, pk):
    """A document of an application, to the applicant and its reviewers only (404 for anyone
    else): always a download, never rendered by the browser as a page."""
    attachment = get_object_or_404(
        AidAttachment.objects.filter(
            application__in=AidApplication.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    try:
        response = download_response(attachment.file, filename=attachment.download_name)
    except FileNotFoundError:
        raise Http404 from None
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def aid_queue(request):
    """The reviewer queue: applications of members in scope, filtered by state, oldest
    waiting first."""
    _require_organizer(request)
    form = AidQueueFilterForm(request.GET or None)
    rows = (
        AidApplication.objects.reviewable_by(request.user)
        .select_related("program", "applicant__street")
        .order_by("submitted_at", "pk")
    )
    if form.is_valid() and form.cleaned_data["state"]:
        rows = rows.filter(state=form.cleaned_data["state"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/aid_queue.html", {"form": form, "page": page})


# --- Commendations -------------------------------------------------------------------------------


@require_GET
def honour_roll(request):
    """The public honour roll: approved commendations, names masked, no other personal data
    than occupation and street."""
    rows = (
        Commendation.objects.honour_roll()
        .select_related("member__street")
        .order_by("-year", "title", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for commendation in page:
        commendation.masked_name = mask_name(commendation.member.name)
    return render(request, "services/honour_roll.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_new(request):
    _require_organizer(request)
    members = _nominable(request.user)
    form = NominationForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            care_actions.commendation_nominate(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("提名已提交，待区委组织部审批。"))
            return redirect("services:nomination-list")
    return render(request, "services/nomination_form.html", {"form": form})


def _nominable(user):
    from branches.models import Member

    if user.has_perm("services.add_commendation"):
        return Member.objects.select_related("street")
    return _members_in_scope(user).select_related("street").distinct()


@login_required
@require_GET
def nomination_list(request):
    """Nominations in the organizer's scope with their decisions; district staff decide here."""
    _require_organizer(request)
    rows = (
        Commendation.objects.visible_to(request.user)
        .select_related("member__street", "nominated_by", "decided_by")
        .order_by("state", "-nominated_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/nomination_list.html",
        {
            "page": page,
            "may_decide": request.user.has_perm("services.change_commendation"),
            "nominated": CommendationState.NOMINATED,
        },
    )


@login_required
@require_POST
def nomination_decide(request, pk):
    commendation = get_object_or_404(Commendation.objects.visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效。"))
        return redirect("services:nomination-list")
    try:
        care_actions.commendation_decide(
            commendation=commendation,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已审批。"))
    return redirect("services:nomination-list")


# --- Career plans ------------------------------------------------------------------------------


def _with_progress(plans):
    return plans.select_related("track", "member").annotate(
        done=Count("completions", distinct=True),
        total=Count("track__milestones", distinct=True),
    )


@login_required
@require_GET
def career_list(request):
    """My own plans; for organizers also the plans of members in their scope."""
    roles = roles_of(request.user)
    manager = roles.organizer or roles.district_admin
    mine = _with_progress(CareerPlan.objects.filter(member__user=request.user))
    page = None
    if manager:
        managed = _with_progress(CareerPlan.objects.managed_by(request.user)).order_by(
            "track__name", "member__name", "pk"
        )
        page = Paginator(managed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "services/career_list.html", {"mine": mine, "page": page, "manager": manager}
    )


@login_required
@require_http_methods(["GET", "POST"])
def career_new(request):
    _require_organizer(request)
    form = CareerPlanForm(
        request.POST or None, members=_nominable(request.user).exclude(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = care_actions.career_plan_start(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已加入成长计划。"))
            return redirect("services:career-detail", pk=plan.pk)
    return render(request, "services/career_form.html", {"form": form})


@login_required
@require_GET
def career_detail(request, pk):
    plan = get_object_or_404(
        CareerPlan.objects.visible_to(request.user).select_related("track", "member"), pk=pk
    )
    completions = {
        c.milestone_id: c
        for c in MilestoneCompletion.objects.filter(plan=plan).select_related("completed_by")
    }
    milestones = list(CareerMilestone.objects.filter(track=plan.track_id).order_by("order"))
    for milestone in milestones:
        milestone.completion = completions.get(milestone.pk)
    may_tick = CareerPlan.objects.managed_by(request.user).filter(pk=plan.pk).exists()
    return render(
        request,
        "services/career_detail.html",
        {"plan": plan, "milestones": milestones, "may_tick": may_tick},
    )


@login_required
@require_POST
def career_tick(request, pk, milestone_pk):
    plan = get_object_or_404(CareerPlan.objects.visible_to(request.user), pk=pk)
    milestone = get_object_or_404(
        CareerMilestone.objects.filter(track=plan.track_id), pk=milestone_pk
    )
    form = TickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效。"))
    else:
        care_actions.milestone_tick(
            plan=plan, milestone=milestone, by=request.user, done=form.cleaned_data["done"]
        )
        messages.success(request, _("已更新。"))
    return redirect("services:career-detail", pk=plan.pk)
