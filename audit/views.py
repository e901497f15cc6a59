import csv

import tablib
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.forms import AuditFilterForm
from audit.models import AuditEvent, Event
from audit.record import record_event

PAGE_SIZE = 50
EXPORT_FORMATS = {"csv", "xlsx"}
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text a spreadsheet shows as text: no formula, no control characters (which openpyxl
    refuses, so one odd failed-sign-in name would break every export)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _events(request):
    if not request.user.has_perm("audit.view_auditevent"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    return form, form.filter(AuditEvent.objects.visible_to(request.user))


@login_required
@require_GET
def event_list(request):
    """The auditor's view of the trail: filters, newest first, 50 a page."""
    form, events = _events(request)
    page = Paginator(events.order_by("-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


@login_required
@require_GET
def event_export(request, fmt):
    """The filtered records as CSV or XLSX. The export is itself recorded; if that record
    cannot be written, there is no export."""
    if fmt not in EXPORT_FORMATS:
        raise PermissionDenied
    form, events = _events(request)
    columns = [
        (_("时间"), lambda e: timezone.localtime(e.occurred_at).isoformat()),
        (_("操作人"), lambda e: e.actor_username),
        (_("客户端地址"), lambda e: e.client_ip),
        (_("事件"), lambda e: e.get_event_display()),
        (_("对象类型"), lambda e: e.object_type),
        (_("对象编号"), lambda e: e.object_id),
        (_("对象"), lambda e: e.object_repr),
        (_("结果"), lambda e: e.get_outcome_display()),
        (_("变更内容"), lambda e: "\n".join(e.change_lines())),
        (_("详情"), lambda e: "\n".join(e.detail_lines())),
        (_("哈希"), lambda e: e.hash),
    ]
    data = tablib.Dataset(headers=[str(title) for title, _get in columns])
    with transaction.atomic():
        rows = 0
        for event in events.order_by("pk").iterator(chunk_size=2000):
            data.append([safe_cell(get(event)) for _title, get in columns])
            rows += 1
        record_event(
            event=Event.EXPORT,
            actor=request.user,
            detail={"what": "audit", "format": fmt, "filters": form.applied(), "rows": rows},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # Excel in China opens UTF-8 CSV correctly only with a BOM
        csv.writer(response).writerows([data.headers, *data])
    else:
        response = HttpResponse(
            data.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
