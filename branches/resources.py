"""Roster import and export (django-import-export), shared by the admin, the roster's export
buttons and the benchmark.

The member file has exactly the template's columns, in this order:
姓名, 性别, 手机号, 政治面貌, 所在党组织, 职业群体, 就业平台, 所在街道, 入党日期, 是否流动党员.

Rows are keyed by the normalized phone. Every reference (organization, platform, street) and
every existing member is fetched once per import into a dict (`before_import`), so a row costs
no query; rows are validated in Python (choices, the organization rule, duplicate phones)
without writing anything, then, at the real run and only if no row failed, written in one
transaction at the end (new rows by COPY on PostgreSQL, changed rows by `bulk_update`). The
database constraints remain the final guard: a failed write rolls back everything. Any invalid
row means nothing is written, at the dry run and at the confirm step.
"""

import datetime
import gc
import hashlib
import re
from collections import Counter

import tablib
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from branches.models import (
    WITHOUT_ORGANIZATION,
    Enterprise,
    Gender,
    Member,
    OccupationGroup,
    Organization,
    PoliticalStatus,
    Street,
)
from branches.phones import mask_phone, normalize_phone

COLUMNS = (
    "姓名",
    "性别",
    "手机号",
    "政治面貌",
    "所在党组织",
    "职业群体",
    "就业平台",
    "所在街道",
    "入党日期",
    "是否流动党员",
)
PATH_SEPARATOR = "/"
# A cell a spreadsheet would run as a formula: escaped with a leading apostrophe on export.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
NAME_MAX_LENGTH = Member._meta.get_field("name").max_length


def escape_formula(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --- Widgets: one cell <-> one value, with a plain-language error ------------------------------


class ChoiceLabelWidget(widgets.Widget):
    """A TextChoices field shown by its Chinese label; the stored code is accepted too."""

    def __init__(self, choices, what, required=True):
        super().__init__()
        self.choices = choices
        self.what = what
        self.required = required
        self.by_text = {}
        # The file's values are Chinese whatever the UI language (the template's language);
        # English labels and the stored codes are accepted too.
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for value, label in choices.choices:
                    self.by_text[str(value)] = value
                    self.by_text[str(label)] = value

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError(gettext("%(what)s不能为空。") % {"what": self.what})
            return ""
        if text not in self.by_text:
            allowed = "、".join(str(label) for label in self.choices.labels)
            raise ValueError(
                gettext("“%(value)s”不是有效的%(what)s，可填：%(allowed)s。")
                % {"value": text, "what": self.what, "allowed": allowed}
            )
        return self.by_text[text]

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        with translation.override("zh-hans"):
            return str(self.choices(value).label)


class PhoneWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if not text:
            raise ValueError(gettext("手机号不能为空。"))
        try:
            return normalize_phone(text)
        except ValidationError as error:
            raise ValueError(
                gettext("手机号“%(value)s”无效：%(reason)s")
                % {"value": text, "reason": error.messages[0]}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class LookupWidget(widgets.Widget):
    """A reference by name, resolved from a dict the resource fills once per import."""

    def __init__(self, lookup, what, required=False):
        super().__init__()
        self.lookup = lookup  # name -> instance, or name -> None when ambiguous
        self.what = what
        self.required = required
        self.render_name = str

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if not text:
            if self.required:
                raise ValueError(gettext("%(what)s不能为空。") % {"what": self.what})
            return None
        key = re.sub(r"\s*/\s*", PATH_SEPARATOR, text)
        if key not in self.lookup:
            raise ValueError(
                gettext("找不到%(what)s“%(value)s”：请填写系统中已有的名称。")
                % {"what": self.what, "value": text}
            )
        found = self.lookup[key]
        if found is None:
            raise ValueError(
                gettext("%(what)s“%(value)s”有重名，请填写完整路径（用“/”分隔各级组织）。")
                % {"what": self.what, "value": text}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return self.render_name(value) if value is not None else ""


class ChineseDateWidget(widgets.Widget):
    """2021-07-01, 2021/7/1, 2021.7.1, 2021年7月1日, an Excel date cell or an Excel serial."""

    _PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        text = str(value).strip()
        if not text:
            return None
        match = self._PATTERN.fullmatch(text.split(" ")[0]) or self._PATTERN.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise ValueError(
            gettext("日期“%(value)s”无法识别，请写成 2021-07-01 或 2021/7/1。") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YesNoWidget(widgets.Widget):
    YES = {"是", "y", "yes", "true", "1", "√", "✓"}
    NO = {"否", "n", "no", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _cell_text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(gettext("“%(value)s”请填写“是”或“否”。") % {"value": _cell_text(value)})

    def render(self, value, obj=None, **kwargs):
        # Data in the template's language, not UI text.
        return "是" if value else "否"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed into a number cell
    return str(value).strip()


# --- Formats: XLSX and CSV in UTF-8 (with or without BOM) or GB18030/GBK ------------------------


class _Fingerprint:
    """Remembers the SHA-256 of the bytes read, for the import record."""

    def fingerprint(self, data):
        raw = data if isinstance(data, bytes) else str(data).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()


class RosterXLSX(_Fingerprint, base_formats.XLSX):
    CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def get_title(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        try:
            dataset = super().create_dataset(in_stream)
        except Exception as error:
            raise ValueError(
                gettext(
                    "无法读取这个文件：它不是有效的 XLSX 表格。请用 Excel 另存为 .xlsx 或 CSV。"
                )
            ) from error
        dataset.sha256 = self.fingerprint(in_stream)
        return dataset


class RosterCSV(_Fingerprint, base_formats.CSV):
    """CSV read as bytes and decoded as UTF-8 (BOM or not), else GB18030 (a superset of GBK,
    which Excel in China writes)."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def get_title(self):
        return "csv"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        raw = in_stream if isinstance(in_stream, bytes) else str(in_stream).encode("utf-8")
        if raw.startswith(b"PK\x03\x04") or b"\x00" in raw[:4096]:
            raise ValueError(
                gettext("这不是 CSV 文本文件（可能是 Excel 文件）：请选择 xlsx 格式后重新上传。")
            )
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(gettext("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV。"))
        dataset = tablib.import_set(text, format="csv", **kwargs)
        dataset.sha256 = self.fingerprint(raw)
        return dataset

    def export_data(self, dataset, **kwargs):
        # With a BOM, so that Excel opens the UTF-8 file with the right encoding.
        return "\ufeff" + dataset.export("csv", **kwargs)


ROSTER_FORMATS = [RosterXLSX, RosterCSV]


# --- The member resource -----------------------------------------------------------------------


def organization_labels(organizations) -> tuple[dict, dict]:
    """From all organizations (one query's rows): (lookup, label). `lookup` maps each full path
    ("中共上海市杨浦区委/五角场街道党工委/…") and each unique name to its organization, and an
    ambiguous name to None; `label` maps each pk to its unique name, else its full path."""
    by_path = {o.path: o for o in organizations}
    step = Organization.steplen
    full = {}
    for organization in sorted(by_path.values(), key=lambda o: o.path):
        parent = by_path.get(organization.path[:-step])
        prefix = full[parent.pk] + PATH_SEPARATOR if parent is not None else ""
        full[organization.pk] = prefix + organization.name
    names = Counter(o.name for o in by_path.values())
    lookup, label = {}, {}
    for organization in by_path.values():
        lookup[full[organization.pk]] = organization
        unique = names[organization.name] == 1
        lookup.setdefault(organization.name, organization if unique else None)
        if not unique:
            lookup[organization.name] = None
        label[organization.pk] = organization.name if unique else full[organization.pk]
    return lookup, label


class MemberResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名", widget=widgets.CharWidget())
    gender = fields.Field(
        attribute="gender", column_name="性别", widget=ChoiceLabelWidget(Gender, _("性别"))
    )
    phone = fields.Field(attribute="phone", column_name="手机号", widget=PhoneWidget())
    political_status = fields.Field(
        attribute="political_status",
        column_name="政治面貌",
        widget=ChoiceLabelWidget(PoliticalStatus, _("政治面貌")),
    )
    organization = fields.Field(attribute="organization", column_name="所在党组织")
    occupation = fields.Field(
        attribute="occupation",
        column_name="职业群体",
        widget=ChoiceLabelWidget(OccupationGroup, _("职业群体")),
    )
    employer = fields.Field(attribute="employer", column_name="就业平台")
    street = fields.Field(attribute="street", column_name="所在街道")
    joined_party_on = fields.Field(
        attribute="joined_party_on", column_name="入党日期", widget=ChineseDateWidget()
    )
    is_mobile = fields.Field(
        attribute="is_mobile", column_name="是否流动党员", widget=YesNoWidget()
    )

    # Fields compared to tell "unchanged" from "update", and written by bulk_update.
    COMPARED = (
        "name",
        "gender",
        "phone",
        "political_status",
        "organization_id",
        "occupation",
        "employer_id",
        "street_id",
        "joined_party_on",
        "is_mobile",
    )

    class Meta:
        model = Member
        fields = (
            "name",
            "gender",
            "phone",
            "political_status",
            "organization",
            "occupation",
            "employer",
            "street",
            "joined_party_on",
            "is_mobile",
        )
        import_id_fields = ("phone",)
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True
        use_transactions = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.existing: dict[str, Member] = {}
        self.snapshots: dict[int, tuple] = {}
        self.duplicates: dict[str, list[int]] = {}
        self.row_report: list[dict] = []
        self._load_references()

    # --- References, fetched once ---------------------------------------------------------------

    def _load_references(self):
        organizations = list(Organization.objects.only("pk", "name", "path", "depth"))
        org_lookup, self.org_label = organization_labels(organizations)
        enterprises = {}
        for enterprise in Enterprise.objects.all():
            enterprises.setdefault(enterprise.short_name, enterprise)
            enterprises[enterprise.name] = enterprise
        streets = {}
        for street in Street.objects.all():
            streets[street.name] = street
            streets.setdefault(street.name.removesuffix("街道"), street)
        organization = LookupWidget(org_lookup, _("党组织"))
        organization.render_name = lambda o: self.org_label.get(o.pk, o.name)
        self.fields["organization"].widget = organization
        self.fields["employer"].widget = LookupWidget(enterprises, _("就业平台"))
        self.fields["employer"].widget.render_name = lambda e: e.name
        self.fields["street"].widget = LookupWidget(streets, _("街道"), required=True)
        self.fields["street"].widget.render_name = lambda s: s.name
        # (attribute, column, widget, is a reference): a reference is set by its id, which
        # skips the related-object descriptor (10,000 rows x 3 references).
        self._columns = [
            (
                f"{field.attribute}_id" if is_reference else field.attribute,
                field.column_name,
                field.widget,
                is_reference,
            )
            for field in self.fields.values()
            for is_reference in [isinstance(field.widget, LookupWidget)]
        ]
        # A new member is built from its fields' defaults by position, the path Django's own
        # `from_db` takes: much cheaper per row than keyword construction.
        self._blank = tuple(f.get_default() for f in Member._meta.concrete_fields)

    def before_import(self, dataset, **kwargs):
        missing = [column for column in COLUMNS if column not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                gettext("表头缺少以下列：%(columns)s。请使用导入模板。")
                % {"columns": "、".join(missing)}
            )
        phones: dict[str, list[int]] = {}
        column = dataset.headers.index("手机号")
        for number, values in enumerate(dataset, 1):
            try:
                phone = normalize_phone(_cell_text(values[column]))
            except ValidationError:
                continue
            phones.setdefault(phone, []).append(number)
        self.duplicates = {phone: rows for phone, rows in phones.items() if len(rows) > 1}
        self.existing = {}
        found = list(phones)
        for start in range(0, len(found), 5000):
            for member in Member.objects.filter(phone__in=found[start : start + 5000]):
                self.existing[member.phone] = member

    # --- One row, no queries --------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        try:
            phone = normalize_phone(_cell_text(row.get("手机号")))
        except ValidationError:
            return None
        member = self.existing.get(phone)
        if member is not None:
            self.snapshots[member.pk] = self._values(member)
        return member

    def _values(self, member):
        return tuple(getattr(member, name) for name in self.COMPARED)

    def import_instance(self, instance, row, **kwargs):
        """Each cell through its widget straight onto the instance: the same result as the
        library's per-field `Field.save`, without its per-cell overhead (10,000 rows x 10
        columns). Errors are collected per column, then duplicates in the file."""
        errors = {}
        for attribute, column, widget, is_reference in self._columns:
            try:
                value = widget.clean(row.get(column), row=row)
            except ValueError as error:
                errors[attribute.removesuffix("_id") if is_reference else attribute] = (
                    ValidationError(str(error), code="invalid")
                )
                continue
            if is_reference and value is not None:
                value = value.pk
            setattr(instance, attribute, value)
        rows = self.duplicates.get(getattr(instance, "phone", None) or "")
        if rows:
            errors["phone"] = ValidationError(
                gettext("手机号在文件中重复出现（第 %(rows)s 行）。")
                % {"rows": "、".join(str(n + 1) for n in rows)}
            )
        if errors:
            raise ValidationError(errors)

    def init_instance(self, row=None):
        return Member(*self._blank)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return self.snapshots.get(instance.pk) == self._values(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """What `full_clean` would check, without its queries or per-field overhead: the
        widgets already checked choices, dates, phones and references against the prefetched
        data; here the name, and the organization rule of `Member.clean`. Phone uniqueness is
        the import key plus the in-file duplicate check; the database constraints remain the
        final guard at the real run."""
        errors = dict(import_validation_errors or {})
        name = (instance.name or "").strip()
        if "name" not in errors and not name:
            errors["name"] = ValidationError(gettext("姓名不能为空。"), code="required")
        elif "name" not in errors and len(name) > NAME_MAX_LENGTH:
            errors["name"] = ValidationError(
                gettext("姓名不能超过 %(max)s 个字。") % {"max": NAME_MAX_LENGTH}, code="long"
            )
        instance.name = name
        if (
            instance.political_status in WITHOUT_ORGANIZATION
            and instance.organization_id is not None
            and "organization" not in errors
        ):
            errors["organization"] = ValidationError(
                gettext("%(status)s不属于任何党组织，“所在党组织”请留空。")
                % {"status": PoliticalStatus(instance.political_status).label}
            )
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        number = kwargs["row_number"]
        if self.keep_rows or row_result.import_type in _FAILED:
            self.row_report.append(_report(number, row, row_result, self.fields))
        if self.progress is not None and number % PROGRESS_EVERY == 0:
            self.progress(number)
        return row_result

    # Rows are only collected while the file is read (the library calls these every
    # `batch_size` rows); `_write` writes them all at the end, or nothing.

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.pending_create.extend(self.create_instances)
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.pending_update.extend(self.update_instances)
        self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        # The library resets the id sequence here, for imports that set ids: ours never do.
        pass

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_create and bulk_update skip auto_now/auto_now_add.
        instance.updated_at = self.now
        if instance.pk is None:
            instance.created_at = self.now

    def _write(self):
        """Every collected row, in one transaction: with the database's constraints as the
        final guard, a failure anywhere rolls back everything."""
        with transaction.atomic():
            insert_members(self.pending_create)
            if self.pending_update:
                Member.objects.bulk_update(
                    self.pending_update,
                    [name.removesuffix("_id") for name in self.COMPARED] + ["updated_at"],
                    batch_size=WRITE_BATCH,
                )

    # --- The whole file: all or nothing, and recorded ------------------------------------------

    def get_result_class(self):
        # Called on the instance by the library; `keep_rows` is this run's choice.
        return Result if getattr(self, "keep_rows", True) else ErrorRowsResult

    def import_data(
        self, dataset, dry_run=False, raise_errors=False, progress=None, keep_rows=True, **kwargs
    ):
        """Check every row against the prefetched references, writing nothing while reading;
        then, unless this is a dry run or any row failed, write all rows in one transaction.
        So a dry run and a failed import write nothing, and no transaction stays open while
        the rows are read (a background run's progress, reported through `progress(rows)`,
        commits as it goes). `keep_rows=False` keeps only the error rows in `row_report` and
        no per-row results (a large file in the background). The run is recorded as a
        `RosterImport` when a `user` is given."""
        kwargs["use_transactions"] = False
        self.row_report = []
        self.pending_create, self.pending_update = [], []
        self.progress, self.keep_rows = progress, keep_rows
        self.now = timezone.now()
        # The library's dry_run would open a transaction around the whole read; ours is the
        # decision below whether to write.
        # Reading allocates a few objects per cell and frees none of them until the end, and
        # writing builds the statements from them: the cyclic garbage collector's passes over
        # them cost time and find nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            result = self._read_and_write(dataset, dry_run, raise_errors, progress, kwargs)
        finally:
            if collecting:
                gc.enable()
        self.pending_create, self.pending_update = [], []
        user = kwargs.get("user")
        if kwargs.get("record", True) and user is not None:
            from branches.actions import roster_import_record

            result.record = roster_import_record(
                by=user,
                file_name=kwargs.get("file_name") or "",
                sha256=getattr(dataset, "sha256", ""),
                result=result,
                dry_run=dry_run,
            )
        return result

    def _read_and_write(self, dataset, dry_run, raise_errors, progress, kwargs):
        result = super().import_data(dataset, dry_run=False, raise_errors=raise_errors, **kwargs)
        result.row_report = self.row_report
        result.failed = result.has_errors() or result.has_validation_errors()
        if not result.failed and not dry_run:
            if progress is not None:
                progress(result.total_rows, writing=True)
            try:
                self._write()
            except DatabaseError as error:
                result.append_base_error(
                    Error(
                        ValueError(
                            gettext("写入数据库失败，没有写入任何数据：%(error)s")
                            % {"error": error}
                        )
                    )
                )
                result.failed = True
        return result

    # --- Export ---------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization", "employer", "street")


# Read the file in steps of this many rows between progress reports; write in batches of this.
PROGRESS_EVERY = 1000
WRITE_BATCH = 2000
_FAILED = (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)


def insert_members(members: list[Member]) -> None:
    """INSERT new members, setting their ids. On PostgreSQL through COPY, several times faster
    than multi-row INSERTs for a roster file's thousands of rows, then the ids by phone (unique)
    in one query per 5,000; elsewhere `bulk_create`. Like `bulk_create`, no `save()`, no
    signals: the caller sets `created_at`/`updated_at`. Call within a transaction."""
    if not members:
        return
    connection = connections[router.db_for_write(Member)]
    if connection.vendor != "postgresql":
        Member.objects.bulk_create(members, batch_size=WRITE_BATCH)
        return
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(Member._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    attnames = [f.attname for f in fields]
    # `copy` is psycopg's own: its errors become Django's (IntegrityError...) only like this.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for member in members:
            copy.write_row([getattr(member, name) for name in attnames])
    ids = {}
    for start in range(0, len(members), 5000):
        phones = [m.phone for m in members[start : start + 5000]]
        ids.update(Member.objects.filter(phone__in=phones).values_list("phone", "pk"))
    for member in members:
        member.pk = ids[member.phone]
        member._state.adding = False


class ErrorRowsResult(Result):
    """The library's result, keeping per-row results for failed rows only (the totals count
    every row): a 100,000-row file in the background would otherwise hold them all."""

    def append_row_result(self, row_result):
        if row_result.import_type in _FAILED:
            super().append_row_result(row_result)


def _report(number, row, row_result, resource_fields) -> dict:
    """One line of the dry run's table: the spreadsheet line (header is line 1), what happens
    to the row, the person, and the reasons in plain words."""
    kind = {
        RowResult.IMPORT_TYPE_NEW: "new",
        RowResult.IMPORT_TYPE_UPDATE: "update",
        RowResult.IMPORT_TYPE_SKIP: "unchanged",
    }.get(row_result.import_type, "error")
    reasons = []
    if row_result.validation_error is not None:
        labels = {name: field.column_name for name, field in resource_fields.items()}
        error = row_result.validation_error
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for message in ValidationError(errors).messages:
                    label = labels.get(name, name if name != "__all__" else "")
                    reasons.append(f"{label}：{message}" if label else message)
        else:
            reasons.extend(error.messages)
    for error in row_result.errors:
        reasons.append(str(error.error))
    phone = _cell_text(row.get("手机号"))
    return {
        "line": number + 1,
        "kind": kind,
        "name": _cell_text(row.get("姓名")),
        "phone": mask_phone(phone) if len(phone) == 11 else phone,
        "reasons": reasons,
    }


class _Label:
    def __init__(self, column_name):
        self.column_name = column_name


def template_dataset() -> tablib.Dataset:
    """The empty import template: the header row only."""
    return tablib.Dataset(headers=list(COLUMNS))


# --- Organizations, by full path ---------------------------------------------------------------

ORGANIZATION_COLUMNS = (
    "上级组织",
    "名称",
    "类型",
    "组建形式",
    "所属街道",
    "所属平台企业",
    "服务群体",
    "成立日期",
    "书记",
)


class OrganizationResource(resources.ModelResource):
    """Organizations keyed by full path (上级组织 + 名称). New rows are placed in the tree by
    `organization_create` (the kind rule applies), after their parent, which may be an earlier
    row of the same file; existing rows update their details but never their kind or place
    (move a node in the admin's tree). Any error row means nothing is written."""

    name = fields.Field(attribute="name", column_name="名称")

    class Meta:
        model = Organization
        fields = ("name",)
        import_id_fields = ("name",)
        use_transactions = True
        skip_diff = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        organizations = list(
            Organization.objects.select_related("street", "enterprise").order_by("path")
        )
        self.by_full_path: dict[str, Organization] = {}
        full = {}
        step = Organization.steplen
        by_path = {o.path: o for o in organizations}
        for organization in organizations:
            parent = by_path.get(organization.path[:-step])
            full[organization.pk] = (
                full[parent.pk] + PATH_SEPARATOR if parent is not None else ""
            ) + organization.name
            organization.parent_full_path = full[parent.pk] if parent is not None else ""
            self.by_full_path[full[organization.pk]] = organization
        streets = {s.name: s for s in Street.objects.all()}
        for street in list(streets.values()):
            streets.setdefault(street.name.removesuffix("街道"), street)
        enterprises = {}
        for enterprise in Enterprise.objects.all():
            enterprises.setdefault(enterprise.short_name, enterprise)
            enterprises[enterprise.name] = enterprise
        from branches.models import OrganizationForm, OrganizationKind

        self.widgets = {
            "类型": ("kind", ChoiceLabelWidget(OrganizationKind, _("组织类型"))),
            "组建形式": ("form", ChoiceLabelWidget(OrganizationForm, _("组建形式"), False)),
            "所属街道": ("street", LookupWidget(streets, _("街道"))),
            "所属平台企业": ("enterprise", LookupWidget(enterprises, _("平台企业"))),
            "服务群体": ("group_served", ChoiceLabelWidget(OccupationGroup, _("服务群体"), False)),
            "成立日期": ("founded_on", ChineseDateWidget()),
            "书记": ("secretary_name", widgets.CharWidget()),
        }
        self.row_report = []

    def _full_path(self, row):
        parent = re.sub(r"\s*/\s*", PATH_SEPARATOR, _cell_text(row.get("上级组织")))
        name = _cell_text(row.get("名称"))
        return parent, (parent + PATH_SEPARATOR if parent else "") + name

    def before_import(self, dataset, **kwargs):
        missing = [c for c in ORGANIZATION_COLUMNS if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                gettext("表头缺少以下列：%(columns)s。请使用导入模板。")
                % {"columns": "、".join(missing)}
            )

    def get_instance(self, instance_loader, row):
        return self.by_full_path.get(self._full_path(row)[1])

    def init_instance(self, row=None):
        return Organization()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        parent_path, _full = self._full_path(row)
        name = _cell_text(row.get("名称"))
        if not name:
            errors["name"] = ValidationError(gettext("名称不能为空。"))
        instance.name = name
        instance.original_kind = instance.kind if instance.pk else None
        for column, (attribute, widget) in self.widgets.items():
            try:
                value = widget.clean(row.get(column), row=row)
            except ValueError as error:
                errors[attribute] = ValidationError(str(error))
                continue
            if value is None and attribute in ("founded_on", "street", "enterprise"):
                setattr(instance, attribute, None)
            else:
                setattr(instance, attribute, value if value is not None else "")
        if not instance.form:
            instance.form = "standard"
        if instance.pk is None:
            instance.parent = self.by_full_path.get(parent_path) if parent_path else None
            if parent_path and instance.parent is None:
                errors["parent"] = ValidationError(
                    gettext("找不到上级组织“%(value)s”：上级组织须已存在或在文件中排在前面。")
                    % {"value": parent_path}
                )
            elif instance.parent is not None and not instance.parent.may_parent(instance.kind):
                errors["kind"] = ValidationError(
                    gettext("%(parent)s下不能设立%(kind)s。")
                    % {
                        "parent": instance.parent.name,
                        "kind": dict(self.widgets["类型"][1].choices.choices).get(
                            instance.kind, instance.kind
                        ),
                    }
                )
        elif instance.original_kind != instance.kind:
            errors["kind"] = ValidationError(gettext("不能通过导入修改已有组织的类型。"))
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance, is_create):
        from branches.actions import organization_create

        if not is_create:
            instance.save()
            return
        created = organization_create(
            parent=instance.parent,
            name=instance.name,
            kind=instance.kind,
            form=instance.form,
            street=instance.street,
            enterprise=instance.enterprise,
            group_served=instance.group_served,
            founded_on=instance.founded_on,
            secretary_name=instance.secretary_name,
        )
        instance.pk, instance.path, instance.depth = created.pk, created.path, created.depth
        prefix = instance.parent and self._path_of(instance.parent)
        self.by_full_path[(prefix + PATH_SEPARATOR if prefix else "") + instance.name] = created

    def _path_of(self, organization):
        for path, candidate in self.by_full_path.items():
            if candidate.pk == organization.pk:
                return path
        return ""

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        labels = {a: _Label(c) for c, (a, _w) in self.widgets.items()}
        labels["name"], labels["parent"] = _Label("名称"), _Label("上级组织")
        self.row_report.append(_report(kwargs["row_number"], row, row_result, labels))
        self.row_report[-1]["name"] = self._full_path(row)[1]
        self.row_report[-1]["phone"] = ""
        return row_result

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return False

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        self.row_report = []
        result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        result.row_report = self.row_report
        result.failed = result.has_errors() or result.has_validation_errors()
        return result

    def get_export_headers(self, selected_fields=None):
        return list(ORGANIZATION_COLUMNS)

    def export(self, queryset=None, **kwargs):
        dataset = tablib.Dataset(headers=list(ORGANIZATION_COLUMNS))
        pks = set(queryset.values_list("pk", flat=True)) if queryset is not None else None
        for organization in self.by_full_path.values():
            if pks is not None and organization.pk not in pks:
                continue
            dataset.append(
                [
                    escape_formula(value)
                    for value in (
                        organization.parent_full_path,
                        organization.name,
                        self.widgets["类型"][1].render(organization.kind),
                        self.widgets["组建形式"][1].render(organization.form),
                        organization.street.name if organization.street else "",
                        organization.enterprise.name if organization.enterprise else "",
                        self.widgets["服务群体"][1].render(organization.group_served),
                        organization.founded_on.isoformat() if organization.founded_on else "",
                        organization.secretary_name,
                    )
                ]
            )
        return dataset
