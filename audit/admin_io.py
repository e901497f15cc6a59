"""Audit records for the admin's imports and exports (django-import-export).

`AuditedImportExportMixin` goes before `ImportExportMixin` in an admin's bases. A confirmed
import is recorded once, with the file's name and SHA-256, the counts and the outcome; an
export with the model, format, filters and row count. The record is written in the same
transaction as the import (and before the export's bytes leave): if it cannot be written, the
import is rolled back and the export is not sent. Dry runs are previews and write nothing, so
they are not recorded here (the roster's dry runs are still kept as `RosterImport` rows).
"""

import hashlib

from django.db import transaction

from audit.models import Event, Outcome
from audit.record import record_event


def file_sha256(data) -> str:
    raw = data if isinstance(data, bytes) else str(data).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def import_counts(result) -> dict:
    totals = dict(result.totals)
    return {
        "rows": result.total_rows,
        "new": totals.get("new", 0),
        "update": totals.get("update", 0),
        "delete": totals.get("delete", 0),
        "skip": totals.get("skip", 0),
        "error": totals.get("error", 0),
        "invalid": totals.get("invalid", 0),
    }


def export_filters(request) -> dict:
    """The changelist filters in force (the export page keeps them in its query string)."""
    return {key: request.GET.getlist(key) for key in sorted(request.GET) if key != "_changelist"}


class AuditedImportExportMixin:
    def _uploaded_sha256(self, dataset, form) -> str:
        known = getattr(dataset, "sha256", "")
        if known:
            return known
        name = getattr(form, "cleaned_data", {}).get("import_file_name")
        if name:
            storage = self.get_tmp_storage_class()(
                name=name, encoding=None, read_mode="rb", **self.get_tmp_storage_class_kwargs()
            )
            return file_sha256(storage.read())
        return file_sha256(dataset.export("csv"))

    def process_dataset(self, dataset, form, request, **kwargs):
        """The confirmed import and its audit record, in one transaction."""
        sha256 = self._uploaded_sha256(dataset, form)
        file_name = kwargs.get("file_name") or form.cleaned_data.get("original_file_name") or ""
        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)
            failed = result.has_errors() or result.has_validation_errors()
            record_event(
                event=Event.IMPORT,
                actor=request.user,
                outcome=Outcome.FAILURE if failed else Outcome.SUCCESS,
                detail={
                    "model": self.model._meta.label_lower,
                    "file_name": file_name,
                    "sha256": sha256,
                    **import_counts(result),
                },
            )
        return result

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The export's bytes, produced only once its audit record is written."""
        with transaction.atomic():
            data = super().get_export_data(file_format, request, queryset, **kwargs)
            record_event(
                event=Event.EXPORT,
                actor=request.user,
                detail={
                    "what": self.model._meta.label_lower,
                    "format": file_format.get_title(),
                    "filters": export_filters(request),
                    "rows": queryset.count(),
                },
            )
        return data
