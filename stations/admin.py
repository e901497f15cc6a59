from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from audit.admin_io import AuditedImportExportMixin
from stations.actions import station_features_set
from stations.models import (
    Amenity,
    CheckIn,
    OpeningHours,
    Outlet,
    PlaceVisit,
    Program,
    Station,
    StationClosure,
    StationStaff,
    VisitorCount,
)
from stations.resources import OutletResource, SpreadsheetCSV, StationResource
from yangpu_portal.autocomplete import SafeAutocompleteMixin
from yangpu_portal.imports import LimitedImportMixin
from yangpu_portal.uploads import MB, clean_image

STATION_PHOTO_MAX_BYTES = 10 * MB


class AllOrNothingImportMixin:
    """django-import-export with the portal's rules: XLSX or CSV (UTF-8, UTF-8 with BOM,
    GBK/GB18030) in, XLSX or Excel-friendly CSV (UTF-8 with BOM) out; a file with any error row
    writes nothing, also at the confirm step (the library rolls back only on exceptions there
    unless told to), and the confirm step then says so instead of reporting success. Importing
    needs the model's add permission: only district admins hold it."""

    import_formats = [XLSX, SpreadsheetCSV]
    export_formats = [XLSX, CSV]
    to_encoding = "utf-8-sig"
    import_error_display = ("message",)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            rows = sorted(
                {row.number for row in result.invalid_rows}
                | {error.number for _, errors in result.row_errors() for error in errors}
            )
            messages.error(
                request,
                gettext("导入失败，没有写入任何数据。请修改这些行后重新导入：第 %(rows)s 行。")
                % {"rows": "、".join(str(n) for n in rows)},
            )
            return HttpResponseRedirect(
                reverse("admin:%s_%s_changelist" % self.get_model_info())  # noqa: UP031
            )
        return super().process_result(result, request)


class StationStaffInline(SafeAutocompleteMixin, admin.TabularInline):
    model = StationStaff
    extra = 0
    autocomplete_fields = ["user"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "all_day", "opens", "closes"]


class StationClosureInline(admin.TabularInline):
    model = StationClosure
    extra = 0
    fields = ["date", "reason"]


STATION_FIELDS = [
    "name",
    "brand",
    "kind",
    "host_organization",
    "host_name",
    "street",
    "address",
    "latitude",
    "longitude",
    "directions",
    "phone",
    "capacity",
    "description",
    "photo",
    "is_active",
]


class StationAdminForm(forms.ModelForm):
    """Amenities and programs as checkboxes; saved by `station_features_set`."""

    amenity_values = forms.MultipleChoiceField(
        label=_("设施"),
        choices=Amenity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    program_values = forms.MultipleChoiceField(
        label=_("十大项目"),
        choices=Program.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Station
        fields = [*STATION_FIELDS, "amenity_values", "program_values"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["amenity_values"].initial = self.instance.amenities
            self.fields["program_values"].initial = self.instance.programs

    def clean_photo(self):
        """A new photo is re-encoded without metadata (EXIF, GPS) and held to 10 MB."""
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return clean_image(photo, max_bytes=STATION_PHOTO_MAX_BYTES)
        return photo


@admin.register(Station)
class StationAdmin(
    SafeAutocompleteMixin,
    LimitedImportMixin,
    AuditedImportExportMixin,
    AllOrNothingImportMixin,
    ImportExportModelAdmin,
):
    form = StationAdminForm
    resource_classes = [StationResource]
    list_display = ["name", "kind", "street", "address", "is_active"]
    list_filter = ["kind", "is_active", "street"]
    search_fields = ["name", "address", "host_name"]
    list_select_related = ["street"]
    autocomplete_fields = ["street", "host_organization"]
    readonly_fields = ["code", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "brand",
                    "kind",
                    "host_organization",
                    "host_name",
                    "street",
                    "address",
                    ("latitude", "longitude"),
                    "directions",
                    "phone",
                    "capacity",
                    "description",
                    "photo",
                    "is_active",
                ]
            },
        ),
        (_("设施与项目"), {"fields": ["amenity_values", "program_values"]}),
        (None, {"fields": ["code", "created_at", "updated_at"]}),
    ]
    inlines = [OpeningHoursInline, StationClosureInline, StationStaffInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("amenity_rows", "program_rows")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        station_features_set(
            station=form.instance,
            amenities=form.cleaned_data["amenity_values"],
            programs=form.cleaned_data["program_values"],
            by=request.user,
        )


@admin.register(StationStaff)
class StationStaffAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "station", "since"]
    search_fields = ["user__username", "station__name"]
    list_select_related = ["user", "station"]
    # A plain select for the station: a search would need the security admin to hold
    # `view_station`, which is the district-wide scope of the station console.
    autocomplete_fields = ["user"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Check-ins are written by the QR landing page only (`checkin_record`): read here."""

    list_display = ["member", "station", "checked_in_at", "local_date"]
    list_filter = ["local_date", "station__street"]
    search_fields = ["member__name", "station__name"]
    list_select_related = ["member", "station"]
    date_hierarchy = "local_date"
    readonly_fields = ["member", "station", "checked_in_at", "local_date"]

    def has_add_permission(self, request):
        return False


@admin.register(VisitorCount)
class VisitorCountAdmin(admin.ModelAdmin):
    """Tallies are recorded on the station console (`visitor_count_add`): read here."""

    list_display = ["station", "date", "purpose", "count", "recorded_by", "recorded_at"]
    list_filter = ["purpose", "date", "station__street"]
    search_fields = ["station__name"]
    list_select_related = ["station", "recorded_by"]
    readonly_fields = ["station", "date", "purpose", "count", "recorded_by", "recorded_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Outlet)
class OutletAdmin(
    SafeAutocompleteMixin,
    LimitedImportMixin,
    AuditedImportExportMixin,
    AllOrNothingImportMixin,
    ImportExportModelAdmin,
):
    resource_classes = [OutletResource]
    list_display = ["name", "enterprise", "street", "rider_count", "surveyed_at", "surveyed_by"]
    list_filter = ["street", "enterprise"]
    search_fields = ["name", "address", "brand"]
    list_select_related = ["enterprise", "street", "surveyed_by"]
    autocomplete_fields = ["enterprise", "street", "surveyed_by"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(PlaceVisit)
class PlaceVisitAdmin(admin.ModelAdmin):
    """Which station or outlet each place visit went to. Read-only: place visits are logged
    through `stations.actions.place_visit_create` (the visit and this row together)."""

    list_display = ["visit", "station", "outlet"]
    list_select_related = ["visit", "station", "outlet"]
    search_fields = ["station__name", "outlet__name", "visit__notes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting the visit (branches admin) removes this row with it; alone it would leave
        # a place visit without its place.
        return False
