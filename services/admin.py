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


# --- Issue 6: the vanguard passport. Stamp types, points rules, goals, courses and routes are
# data edited here; stamps, the points ledger, completions and visits are read-only (written
# only by services.passport.award and services.passport_actions; a points correction is made
# on the member card page, as a reversing entry).

from django.urls import reverse  # noqa: E402
from django.utils.html import format_html  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from services.models import (  # noqa: E402
    CourseSeries,
    Lesson,
    LessonCompletion,
    PointEntry,
    PointRule,
    Route,
    RouteStop,
    RouteStopVisit,
    Stamp,
    StampGoal,
    StampType,
    VolunteerService,
)
from services.passport import card_token  # noqa: E402


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by actions: viewable, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StampType)
class StampTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "icon", "code", "source_kind", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["source_kind", "is_active"]


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ["action", "points", "daily_cap", "period", "period_cap", "is_active"]
    list_editable = ["points", "daily_cap", "period", "period_cap", "is_active"]


@admin.register(StampGoal)
class StampGoalAdmin(admin.ModelAdmin):
    list_display = ["name", "stamps_required", "benefit_label", "benefit_amount", "is_active"]
    list_editable = ["is_active"]


@admin.register(Stamp)
class StampAdmin(ReadOnlyAdmin):
    list_display = ["member", "type", "source_kind", "source_id", "label", "awarded_at"]
    list_filter = ["source_kind", "type"]
    search_fields = ["member__name"]
    list_select_related = ["member", "type"]


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "points", "kind", "source_kind", "label", "created_at", "card"]
    list_filter = ["kind", "source_kind"]
    search_fields = ["member__name"]
    list_select_related = ["member"]

    @admin.display(description=_("冲正"))
    def card(self, entry):
        url = reverse("services:passport-card", args=[card_token(entry.member)])
        return format_html('<a href="{}">{}</a>', url, _("到会员页冲正"))


@admin.register(VolunteerService)
class VolunteerServiceAdmin(ReadOnlyAdmin):
    list_display = ["member", "served_on", "hours", "status", "activity", "decided_by"]
    list_filter = ["status"]
    search_fields = ["member__name", "description"]
    list_select_related = ["member", "activity", "decided_by"]


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 1
    fields = ["order", "title", "duration_minutes", "video_url", "text", "is_published"]


@admin.register(CourseSeries)
class CourseSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published", "sort_order"]
    list_editable = ["is_published", "sort_order"]
    inlines = [LessonInline]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(ReadOnlyAdmin):
    list_display = ["member", "lesson", "opened_at", "finished_at"]
    list_select_related = ["member", "lesson"]


class RouteStopInline(admin.StackedInline):
    model = RouteStop
    extra = 1
    fields = ["order", "name", "description", "latitude", "longitude"]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["name", "is_published", "badge", "sort_order"]
    list_editable = ["is_published", "sort_order"]
    inlines = [RouteStopInline]


@admin.register(RouteStopVisit)
class RouteStopVisitAdmin(ReadOnlyAdmin):
    list_display = ["member", "stop", "method", "visited_at"]
    list_filter = ["method"]
    list_select_related = ["member", "stop"]
