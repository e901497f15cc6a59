from django.contrib import admin

from services.models import (
    Activity,
    Attendance,
    ComplianceRule,
    LeaveRequest,
    Minutes,
    MinutesAmendment,
    MinutesAttachment,
    Notification,
    Signup,
)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "host_organization", "start", "status", "audience"]
    list_filter = ["status", "kind", "program", "audience", "street"]
    search_fields = ["title"]
    date_hierarchy = "start"
    raw_id_fields = ["host_organization", "station", "created_by"]
    readonly_fields = ["code", "series"]


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["activity", "member", "status", "queued_at"]
    list_filter = ["status"]
    raw_id_fields = ["activity", "member"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["activity", "member", "status", "late", "left_early", "checked_in_at"]
    list_filter = ["status", "late", "left_early"]
    raw_id_fields = ["activity", "member", "recorded_by"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    list_display = ["activity", "member", "status", "requested_at"]
    list_filter = ["status"]
    raw_id_fields = ["activity", "member", "decided_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "created_at", "read_at", "delivered_at"]
    raw_id_fields = ["user", "activity"]


class MinutesAttachmentInline(admin.TabularInline):
    model = MinutesAttachment
    extra = 0
    raw_id_fields = ["uploaded_by"]


class MinutesAmendmentInline(admin.TabularInline):
    model = MinutesAmendment
    extra = 0
    raw_id_fields = ["made_by"]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["topic", "activity", "status", "approved_at"]
    list_filter = ["status"]
    raw_id_fields = ["activity", "approved_by", "written_by"]
    inlines = [MinutesAttachmentInline, MinutesAmendmentInline]


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "required", "is_active"]
    list_editable = ["period", "required", "is_active"]


# --- Issue 7: sentinel reports. Categories, units and routing are data edited here; reports
# are read-only (every move goes through services.report_actions).

from services.reports import (  # noqa: E402
    HandlingUnit,
    Report,
    ReportAction,
    ReportCategory,
    RoutingRule,
)


@admin.register(ReportCategory)
class ReportCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "time_limit_days", "sort_order", "active"]
    list_editable = ["time_limit_days", "sort_order", "active"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "contact"]
    search_fields = ["name"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "street", "unit"]
    list_filter = ["category", "street"]


class ReportActionInline(admin.TabularInline):
    model = ReportAction
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "category", "street", "state", "unit", "due_date", "submitted_at"]
    list_filter = ["state", "category", "street"]
    inlines = [ReportActionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
