"""Aid applications' documents go through `yangpu_portal.uploads` like every other upload: a
PDF (recognised by its content, whatever its name) is kept as sent; anything else must be an
image, re-encoded as JPEG without metadata (EXIF, GPS). Both get a random name before storage,
and are served back by `yangpu_portal.uploads.download_response`."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from services.care import AID_ATTACHMENT_MAX_BYTES, AidAttachmentKind
from yangpu_portal import uploads


def clean_attachment(upload) -> tuple[str, ContentFile]:
    """(kind, file to store) for `upload`. Raises ValidationError (in the user's language)
    when it is over 10 MB or neither a PDF nor a readable image."""
    uploads.check_size(upload, max_bytes=AID_ATTACHMENT_MAX_BYTES)
    if uploads.document_type(upload) == uploads.PDF:
        return AidAttachmentKind.PDF, ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.pdf")
    try:
        image = uploads.clean_image(upload, max_bytes=AID_ATTACHMENT_MAX_BYTES)
    except ValidationError as exc:
        if exc.code == "too_large":
            raise
        raise ValidationError(
            _("附件“%(name)s”不是图片或 PDF 文件。") % {"name": uploads.upload_name(upload)}
        ) from None
    return AidAttachmentKind.IMAGE, image
