"""Admin imports (django-import-export) held to a size of their own, checked before the file
is stored or parsed: IMPORT_MAX_BYTES (10 MB by default, a 10,000-row roster is well under
1 MB). XLSX files are parsed by openpyxl, which uses defusedxml once it is installed (a
dependency): entity-expansion ("billion laughs") files are refused, not expanded, and the
import form says the file could not be read."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.forms import ImportForm

from yangpu_portal.uploads import MB


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("导入文件不能超过 %(mb)s MB（本文件 %(size).1f MB），请拆分后分批导入。")
                % {"mb": f"{limit / MB:g}", "size": upload.size / MB},
                code="too_big",
            )
        return upload


class LimitedImportMixin:
    """Put before ImportExportMixin / ImportExportModelAdmin in an admin's bases."""

    import_form_class = LimitedImportForm
