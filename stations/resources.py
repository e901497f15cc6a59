"""Import and export of stations and outlets through the admin (django-import-export).

Rules, the same as for rosters:
- Files: XLSX, and CSV in UTF-8 (with or without a BOM) or GB18030/GBK (what Excel in China
  writes); `SpreadsheetCSV` detects which. Exports are XLSX, or CSV in UTF-8 with a BOM so that
  Excel opens Chinese text correctly.
- Columns have Chinese headers; values may be written as the portal shows them
  (类型 "骑手服务站/驿站", 设施 "饮水、充电", 开放 "是") or as stored codes.
- Rows are keyed by 名称 + 街道: importing the same file again changes nothing, and an edited
  row updates its station. The same key twice in one file is an error.
- Coordinates are WGS-84 inside Shanghai (`validate_in_shanghai`), or the row is an error.
- Any error row means nothing is written, at the dry run and at the confirm step
  (`AllOrNothingImportMixin` in admin.py makes the confirm step roll back on validation errors).
- Writes follow the actions' rules: `full_clean()` on every row, amenities and programs through
  `station_features_set`.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV

from branches.models import Enterprise, Street
from stations.actions import station_features_set
from stations.models import Amenity, Outlet, Program, Station, StationKind, station_local_now


class SpreadsheetCSV(CSV):
    """CSV as Excel writes it: UTF-8 with or without a BOM, or GB18030 (a superset of GBK)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_spreadsheet_text(in_stream)
        return super().create_dataset(in_stream, **kwargs)


def decode_spreadsheet_text(data: bytes) -> str:
    """UTF-8 (a leading BOM dropped) when the bytes are valid UTF-8, else GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError(
            _("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX。")
        ) from None


# --- Widgets: values as people type them in Excel -------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A reference by name (or any of `lookups`); an unknown name is a row error saying so."""

    def __init__(self, model, field="name", lookups=("name",), label=""):
        super().__init__(model, field=field)
        self.lookups = lookups
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        for lookup in self.lookups:
            found = self.model.objects.filter(**{lookup: text}).first()
            if found is not None:
                return found
        raise ValueError(_("找不到%(what)s“%(value)s”。") % {"what": self.label, "value": text})


class LabelChoiceWidget(widgets.Widget):
    """A choice written as its label (骑手服务站/驿站) or its stored code (rider)."""

    def __init__(self, choices, label=""):
        super().__init__()
        self.choices = choices
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        for code, label in self.choices.choices:
            if text in (code, str(label)):
                return code
        options = "、".join(str(label) for _, label in self.choices.choices)
        raise ValueError(
            _("%(what)s“%(value)s”无效，可选：%(options)s。")
            % {"what": self.label, "value": text, "options": options}
        )

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class LabelListWidget(LabelChoiceWidget):
    """Several choices in one cell, separated by 、 , ， ; ； or spaces."""

    SEPARATORS = re.compile(r"[、,，;；\s]+")

    def clean(self, value, row=None, **kwargs):
        return [
            super(LabelListWidget, self).clean(part)
            for part in self.SEPARATORS.split(_text(value))
            if part
        ]

    def render(self, value, obj=None, **kwargs):
        return "、".join(str(self.choices(code).label) for code in value or [])


class YesNoWidget(widgets.Widget):
    YES = {"是", "开放", "有", "y", "yes", "true", "1", "√"}
    NO = {"否", "关闭", "无", "n", "no", "false", "0", "×"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in self.YES or text == "":
            return True  # an empty 开放 column means the usual case: open
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s”应为“是”或“否”。") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        return _("是") if value else _("否")


class FlexibleDateWidget(widgets.Widget):
    """2026-10-15, 2026/10/15, 2026.10.15, 2026年10月15日 or an Excel date cell."""

    PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        match = self.PATTERN.match(text.split(" ")[0])
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise ValueError(_("日期“%(value)s”无效，请写成 2026-10-15。") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class DecimalNumberWidget(widgets.FloatWidget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise ValueError(_("“%(value)s”不是数字。") % {"value": text}) from None


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is None or number != int(number) or number < 0:
            raise ValueError(_("“%(value)s”应为不小于 0 的整数。") % {"value": text})
        return int(number)


# --- Shared behaviour -----------------------------------------------------------------------------


class KeyedResource(resources.ModelResource):
    """Rows keyed by 名称 + 街道 (`import_id_fields`), compared so that an unchanged row is
    skipped, and refused when the same key comes twice in one file."""

    def before_import(self, dataset, **kwargs):
        self._seen_keys = {}
        super().before_import(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        # An unknown street in the key is reported as that field's error, not as a crash.
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ObjectDoesNotExist):
            return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Errors keyed by the file's column headers (街道, not street), as the dry run shows."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {f.attribute or name: f.column_name for name, f in self.fields.items()}
            raise ValidationError(
                {columns.get(key, key): value for key, value in error.error_dict.items()}
            ) from None

    def import_instance(self, instance, row, **kwargs):
        key = tuple(_text(row.get(self.fields[f].column_name)) for f in self.get_import_id_fields())
        number = kwargs.get("row_number")
        first = self._seen_keys.setdefault(key, number)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if first != number:
            errors.setdefault("__all__", []).append(
                ValidationError(
                    _("与第 %(row)s 行重复（名称和街道相同）。") % {"row": first}, code="duplicate"
                )
            )
        if errors:
            raise ValidationError(errors)


# --- Stations -------------------------------------------------------------------------------------


class StationResource(KeyedResource):
    name = fields.Field(attribute="name", column_name="名称")
    street = fields.Field(
        attribute="street",
        column_name="街道",
        widget=NamedForeignKeyWidget(Street, lookups=("name", "slug"), label=gettext_lazy("街道")),
    )
    kind = fields.Field(
        attribute="kind",
        column_name="类型",
        widget=LabelChoiceWidget(StationKind, gettext_lazy("类型")),
    )
    brand = fields.Field(attribute="brand", column_name="品牌")
    host_name = fields.Field(attribute="host_name", column_name="依托单位")
    address = fields.Field(attribute="address", column_name="地址")
    latitude = fields.Field(attribute="latitude", column_name="纬度", widget=DecimalNumberWidget())
    longitude = fields.Field(
        attribute="longitude", column_name="经度", widget=DecimalNumberWidget()
    )
    phone = fields.Field(attribute="phone", column_name="联系电话")
    capacity = fields.Field(
        attribute="capacity", column_name="容纳人数", widget=WholeNumberWidget()
    )
    is_active = fields.Field(attribute="is_active", column_name="开放", widget=YesNoWidget())
    directions = fields.Field(attribute="directions", column_name="到达方式")
    description = fields.Field(attribute="description", column_name="简介")
    # Not model fields: read in import_instance, written by station_features_set.
    amenities = fields.Field(
        column_name="设施", widget=LabelListWidget(Amenity, gettext_lazy("设施"))
    )
    programs = fields.Field(
        column_name="十大项目", widget=LabelListWidget(Program, gettext_lazy("项目"))
    )

    FEATURES = {"amenities": "amenity_rows", "programs": "program_rows"}

    class Meta:
        model = Station
        import_id_fields = ("name", "street")
        fields = (
            "name",
            "street",
            "kind",
            "brand",
            "host_name",
            "address",
            "latitude",
            "longitude",
            "phone",
            "capacity",
            "is_active",
            "directions",
            "description",
            "amenities",
            "programs",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Station.objects.select_related("street").prefetch_related(
            "amenity_rows", "program_rows"
        )

    def dehydrate_amenities(self, station):
        return self.fields["amenities"].widget.render(station.amenities)

    def dehydrate_programs(self, station):
        return self.fields["programs"].widget.render(station.programs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._imported_features = {}
        for name in self.FEATURES:
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                instance._imported_features[name] = set(field.widget.clean(row[field.column_name]))
            except ValueError as error:
                errors[name] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        features = getattr(instance, "_imported_features", {})
        current = (
            {"amenities": set(), "programs": set()}
            if instance.pk is None
            else {
                "amenities": set(instance.amenities),
                "programs": set(instance.programs),
            }
        )
        if any(values != current[name] for name, values in features.items()):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        features = getattr(instance, "_imported_features", {})
        if features:
            station_features_set(
                station=instance,
                amenities=features.get("amenities", instance.amenities),
                programs=features.get("programs", instance.programs),
                by=kwargs.get("user"),
            )
        super().after_save_instance(instance, row, **kwargs)


# --- Outlets --------------------------------------------------------------------------------------


class OutletResource(KeyedResource):
    name = fields.Field(attribute="name", column_name="网点名称")
    street = fields.Field(
        attribute="street",
        column_name="街道",
        widget=NamedForeignKeyWidget(Street, lookups=("name", "slug"), label=gettext_lazy("街道")),
    )
    enterprise = fields.Field(
        attribute="enterprise",
        column_name="平台企业",
        widget=NamedForeignKeyWidget(
            Enterprise, lookups=("name", "short_name"), label=gettext_lazy("平台企业")
        ),
    )
    brand = fields.Field(attribute="brand", column_name="品牌")
    address = fields.Field(attribute="address", column_name="地址")
    latitude = fields.Field(attribute="latitude", column_name="纬度", widget=DecimalNumberWidget())
    longitude = fields.Field(
        attribute="longitude", column_name="经度", widget=DecimalNumberWidget()
    )
    rider_count = fields.Field(
        attribute="rider_count", column_name="骑手人数", widget=WholeNumberWidget()
    )
    surveyed_at = fields.Field(
        attribute="surveyed_at", column_name="调查日期", widget=FlexibleDateWidget()
    )
    notes = fields.Field(attribute="notes", column_name="备注")

    class Meta:
        model = Outlet
        import_id_fields = ("name", "street")
        fields = (
            "name",
            "street",
            "enterprise",
            "brand",
            "address",
            "latitude",
            "longitude",
            "rider_count",
            "surveyed_at",
            "notes",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Outlet.objects.select_related("street", "enterprise")

    def before_save_instance(self, instance, row, **kwargs):
        # The importer vouches for new or changed figures; an empty date means today.
        instance.surveyed_by = kwargs.get("user") or instance.surveyed_by
        if instance.surveyed_at is None:
            instance.surveyed_at = station_local_now().date()
        super().before_save_instance(instance, row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.surveyed_at is None:
            # full_clean would refuse the empty date that before_save_instance fills in.
            instance.surveyed_at = station_local_now().date()
