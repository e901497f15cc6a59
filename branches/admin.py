from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from branches.models import (
    Enterprise,
    Member,
    MemberStatusChange,
    Organization,
    OrganizerAssignment,
    Pairing,
    Street,
    Transfer,
)


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
class OrganizationAdmin(TreeAdmin):
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
class MemberAdmin(admin.ModelAdmin):
    inlines = [MemberStatusChangeInline]
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
class OrganizerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "street", "organization", "since"]
    list_filter = ["role", "street"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "street", "organization"]
    autocomplete_fields = ["user", "street", "organization"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
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
