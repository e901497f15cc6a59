"""Aid applications' documents, checked by content: a PDF is recognised by its magic bytes and
kept as sent; anything else must be an image, re-encoded as JPEG without metadata (EXIF, GPS)
by `services.report_photos.clean_photo`. Both get a random name before storage."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from services.care import AID_ATTACHMENT_MAX_BYTES, AidAttachmentKind
from services.report_photos import clean_photo

PDF_MAGIC = b"%PDF-"


def clean_attachment(upload) -> tuple[str, ContentFile]:
    """(kind, file to store) for `upload`. Raises ValidationError (in the user's language)
    when it is over 10 MB or neither a PDF nor a readable image."""
    if upload.size > AID_ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("附件“%(name)s”超过 10 MB。") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        return AidAttachmentKind.PDF, ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.pdf")
    try:
        return AidAttachmentKind.IMAGE, clean_photo(upload)
    except ValidationError:
        raise ValidationError(
            _("附件“%(name)s”不是图片或 PDF 文件。") % {"name": upload.name}
        ) from None
