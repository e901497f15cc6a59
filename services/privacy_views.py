"""PIPL pages: "my data" (`/me/data/`) for everyone signed in, and the organizers' queue of
erasure requests (`/privacy/requests/`)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import Event
from audit.record import record_event
from branches.roles import manages_people
from services.models import member_of
from services.privacy import ErasureRequest, ErasureStatus, personal_data
from services.privacy_actions import erasure_complete, erasure_request
from yangpu_portal.actions import consent_give, consent_withdraw
from yangpu_portal.privacy import NOTICE_VERSION, consent_state


@login_required
@require_GET
def my_data(request):
    """Everything held about the signed-in person, section by section, with the consent
    switch, the download and the erasure request. One query per section."""
    sections = personal_data(request.user)
    member = member_of(request.user)
    pending = member is not None and ErasureRequest.objects.pending().filter(member=member).exists()
    context = {
        "sections": sections,
        "member": member,
        "consent": consent_state(request.user),
        "notice_version": NOTICE_VERSION,
        "erasure_pending": pending,
    }
    return render(request, "services/my_data.html", context)


@login_required
@require_GET
def my_data_download(request):
    """The same data as a JSON file (machine-readable, PIPL art. 45). Recorded as an export."""
    sections = personal_data(request.user)
    payload = {
        "generated_at": timezone.localtime().isoformat(),
        "privacy_notice_version": NOTICE_VERSION,
        **{section.key: section.records() for section in sections},
    }
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    with transaction.atomic():
        record_event(
            event=Event.EXPORT,
            actor=request.user,
            obj=request.user,
            detail={
                "what": "my-data",
                "format": "json",
                "rows": sum(len(s.rows) for s in sections),
            },
        )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition_header(True, f"my-data-{stamp}.json")
    return response


@login_required
@require_POST
def my_consent(request):
    """`decision=withdraw` withdraws the consent in force; `decision=give` consents to the
    current notice (also after a withdrawal)."""
    decision = request.POST.get("decision")
    if decision == "withdraw":
        if consent_withdraw(user=request.user, by=request.user):
            messages.success(request, _("已撤回同意。今后不再记录您的报到和签到。"))
        else:
            messages.info(request, _("您目前没有生效的同意。"))
    elif decision == "give" and request.POST.get("privacy_consent") == "on":
        consent_give(user=request.user, by=request.user)
        messages.success(request, _("已记录您的同意，可以继续报到和签到。"))
    else:
        messages.error(request, _("请勾选“我已阅读并同意隐私政策”。"))
    return redirect("services:my-data")


@login_required
@require_POST
def my_erasure_request(request):
    """The member asks for their personal data to be deleted; an organizer handles it."""
    member = member_of(request.user)
    if member is None:
        raise PermissionDenied
    erasure_request(member=member, by=request.user)
    messages.success(request, _("已提交删除申请，所在街道或党组织的工作人员将尽快办理。"))
    return redirect("services:my-data")


@login_required
@require_GET
def erasure_queue(request):
    """Erasure requests of members in the organizer's scope: pending first, then done."""
    if not manages_people(request.user):
        raise PermissionDenied
    requests = (
        ErasureRequest.objects.visible_to(request.user)
        .select_related("member__street", "member__organization", "handled_by")
        .order_by("-status", "requested_at", "pk")[:200]
    )
    return render(
        request,
        "services/erasure_queue.html",
        {"requests": requests, "pending": ErasureStatus.PENDING},
    )


@login_required
@require_POST
def erasure_handle(request, pk):
    """Carry out one request: 403 for roles without a roster, 404 outside scope."""
    if not manages_people(request.user):
        raise PermissionDenied
    erasure = get_object_or_404(ErasureRequest.objects.visible_to(request.user), pk=pk)
    try:
        erasure_complete(request=erasure, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已完成：该人员的个人信息已匿名化。"))
    return redirect("services:erasure-queue")
