from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from audit.admin_io import AuditedImportExportMixin
from branches import actions
from branches.models import (
    ContactVisit,
    Enterprise,
    Instructor,
    Member,
    MemberStatusChange,
    Organization,
    OrganizerAssignment,
    Pairing,
    RosterImport,
    RosterImportJob,
    Street,
    Transfer,
)
from branches.resources import ROSTER_FORMATS, MemberResource, OrganizationResource
from yangpu_portal.autocomplete import SafeAutocompleteMixin
from yangpu_portal.imports import LimitedImportMixin


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name", "short_name"]


@admin.register(Organization)
class OrganizationAdmin(LimitedImportMixin, AuditedImportExportMixin, ImportExportMixin, TreeAdmin):
    """The tree, with import/export keyed by full path (`OrganizationResource`)."""

    resource_classes = [OrganizationResource]
    import_formats = ROSTER_FORMATS
    export_formats = ROSTER_FORMATS
    import_template_name = "admin/branches/organization/import.html"

    def process_result(self, result, request):
        if getattr(result, "failed", False):
            lines = [str(row["line"]) for row in result.row_report if row["kind"] == "error"]
            messages.error(
                request,
                gettext("导入失败，没有写入任何数据。有错误的行：%(lines)s。请修改后重新导入。")
                % {"lines": "、".join(lines) or "—"},
            )
            return HttpResponseRedirect(reverse("admin:branches_organization_import"))
        return super().process_result(result, request)

    # treebeard's form places the node in the tree (parent and position) on save.
    form = movenodeform_factory(
        Organization,
        fields=[
            "name",
            "kind",
            "form",
            "street",
            "enterprise",
            "group_served",
            "founded_on",
            "secretary_name",
        ],
    )
    list_display = ["name", "kind", "form", "street", "enterprise", "group_served"]
    list_filter = ["kind", "form", "group_served", "street"]
    search_fields = ["name", "secretary_name"]
    list_select_related = ["street", "enterprise"]


class MemberStatusChangeInline(admin.TabularInline):
    """The lifecycle is recorded through the portal's actions; the admin only shows it."""

    model = MemberStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_on", "from_status", "to_status", "is_correction", "note", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(
    SafeAutocompleteMixin,
    LimitedImportMixin,
    AuditedImportExportMixin,
    ImportExportMixin,
    admin.ModelAdmin,
):
    """The roster, with import and export of the template's columns (`branches.resources`).
    Import needs `branches.add_member` (IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"), which
    only the district admin group holds. Any error row means nothing is written, at the dry
    run and at the confirm step; every run is recorded as a `RosterImport`."""

    inlines = [MemberStatusChangeInline]
    resource_classes = [MemberResource]
    import_formats = ROSTER_FORMATS
    export_formats = ROSTER_FORMATS
    import_template_name = "admin/branches/member/import.html"

    def get_import_context_data(self, **kwargs):
        return {"template_url": reverse("branches:member-template")}

    # --- Large files: checked and imported by a background task ---------------------------------

    def get_urls(self):
        job = self.admin_site.admin_view
        return [
            path(
                "import/jobs/<uuid:job_id>/",
                job(self.import_job_view),
                name="branches_member_import_job",
            ),
            path(
                "import/jobs/<uuid:job_id>/confirm/",
                job(self.import_job_confirm),
                name="branches_member_import_job_confirm",
            ),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        """A file over settings.ROSTER_IMPORT_BACKGROUND_BYTES goes to a background task and
        the admin follows it on a progress page; smaller files take the library's in-request
        path (dry run, then confirm)."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                if upload.size > settings.ROSTER_IMPORT_BACKGROUND_BYTES:
                    file_format = self.get_import_formats()[int(form.cleaned_data["format"])]
                    job = actions.roster_import_job_start(
                        by=request.user,
                        upload=upload,
                        file_format=file_format().get_title(),
                        language=get_language() or "",
                    )
                    return HttpResponseRedirect(
                        reverse("admin:branches_member_import_job", args=[job.pk])
                    )
        return super().import_action(request, **kwargs)

    def _own_job(self, request, job_id):
        """The job, if it is the user's own (404 otherwise); 403 without the import right."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(RosterImportJob.objects.filter(user=request.user), pk=job_id)

    def import_job_view(self, request, job_id):
        """The job's progress (a bar, refreshed by the page itself while a worker is on it),
        then its dry run's result with the confirm button, or its outcome."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        job = self._own_job(request, job_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入进度"),
            "opts": self.model._meta,
            "job": job,
            "refresh_seconds": 2 if job.active else None,
        }
        return TemplateResponse(request, "admin/branches/member/import_job.html", context)

    def import_job_confirm(self, request, job_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._own_job(request, job_id)
        try:
            actions.roster_import_job_confirm(job=job, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(reverse("admin:branches_member_import_job", args=[job.pk]))

    def add_data_read_fail_error_to_form(self, form, e):
        # Our formats raise ValueError with a plain-language reason; say it, not the class.
        if isinstance(e, ValueError) and str(e):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                gettext("无法读取这个文件：请确认选择的格式（xlsx 或 csv）与文件一致。"),
            )

    def process_result(self, result, request):
        if getattr(result, "failed", False):
            lines = [str(row["line"]) for row in result.row_report if row["kind"] == "error"]
            messages.error(
                request,
                gettext("导入失败，没有写入任何数据。有错误的行：%(lines)s。请修改后重新导入。")
                % {"lines": "、".join(lines) or "—"},
            )
            return HttpResponseRedirect(reverse("admin:branches_member_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            gettext("导入完成：新增 %(new)s 人，更新 %(update)s 人，未变 %(skip)s 人。")
            % {"new": totals["new"], "update": totals["update"], "skip": totals["skip"]},
        )

    list_display = [
        "name",
        "masked_phone",
        "occupation",
        "political_status",
        "street",
        "organization",
    ]
    list_filter = ["political_status", "occupation", "street", "is_mobile"]
    search_fields = ["name", "phone", "platform_worker_id"]
    list_select_related = ["street", "organization"]
    autocomplete_fields = ["street", "organization", "employer", "user"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("手机号"))
    def masked_phone(self, member):
        return member.masked_phone


@admin.register(OrganizerAssignment)
class OrganizerAssignmentAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "role", "street", "organization", "since"]
    list_filter = ["role", "street"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "street", "organization"]
    # Plain selects for street and organization: a search would need the security admin to
    # hold their view permissions, which are the district-wide scope of the portal's pages.
    autocomplete_fields = ["user"]


@admin.register(Pairing)
class PairingAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["organization", "community", "street", "started_on"]
    list_filter = ["street"]
    search_fields = ["organization__name", "community"]
    list_select_related = ["organization", "street"]
    autocomplete_fields = ["organization", "street"]
    date_hierarchy = "started_on"


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    """Read-only: transfers are requested and decided in the portal (`branches.actions`)."""

    list_display = ["member", "from_organization", "to_organization", "status", "requested_at"]
    list_filter = ["status"]
    search_fields = ["member__name", "to_organization__name"]
    list_select_related = ["member", "from_organization", "to_organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    """The import record is written by the import itself and never edited."""

    list_display = [
        "created_at",
        "user",
        "file_name",
        "dry_run",
        "outcome",
        "total_rows",
        "new_rows",
        "updated_rows",
        "unchanged_rows",
        "error_rows",
    ]
    list_filter = ["outcome", "dry_run"]
    search_fields = ["file_name", "sha256", "user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instructor)
class InstructorAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "since", "is_active"]
    list_filter = ["is_active", "enterprises"]
    search_fields = ["name"]
    filter_horizontal = ["enterprises"]
    autocomplete_fields = ["user"]


@admin.register(ContactVisit)
class ContactVisitAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = [
        "visited_on",
        "worker",
        "target_kind",
        "enterprise",
        "member",
        "street",
        "follow_up_due",
    ]
    list_filter = ["street", "follow_up_done"]
    search_fields = ["notes", "enterprise__name", "member__name", "worker__username"]
    list_select_related = ["worker", "enterprise", "member", "street"]
    autocomplete_fields = ["worker", "enterprise", "member", "street"]
    date_hierarchy = "visited_on"


@admin.register(RosterImportJob)
class RosterImportJobAdmin(admin.ModelAdmin):
    """Background imports, read-only: each row links to its progress page."""

    list_display = ["created_at", "user", "file_name", "state", "total_rows", "progress_page"]
    list_filter = ["state"]
    search_fields = ["file_name", "user__username"]
    list_select_related = ["user"]

    @admin.display(description=_("进度"))
    def progress_page(self, job):
        from django.utils.html import format_html

        url = reverse("admin:branches_member_import_job", args=[job.pk])
        return format_html('<a href="{}">{}%</a>', url, job.percent)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
