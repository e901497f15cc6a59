from django.contrib import admin

from stations.models import Station, StationStaff


class StationStaffInline(admin.TabularInline):
    model = StationStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "street", "address", "is_active"]
    list_filter = ["kind", "is_active", "street"]
    search_fields = ["name", "address", "host_name"]
    list_select_related = ["street"]
    autocomplete_fields = ["street", "host_organization"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [StationStaffInline]


@admin.register(StationStaff)
class StationStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "station", "since"]
    search_fields = ["user__username", "station__name"]
    list_select_related = ["user", "station"]
    autocomplete_fields = ["user", "station"]
