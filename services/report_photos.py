"""Report photos: checked by content with Pillow, re-encoded as JPEG without any metadata
(EXIF, GPS included) before they reach Django's default storage."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from services.reports import PHOTO_MAX_BYTES

# Bigger than any phone camera; stops decompression bombs early.
MAX_PIXELS = 50_000_000
MAX_SIDE = 2560


def clean_photo(upload) -> ContentFile:
    """A JPEG re-encoding of `upload` with no metadata, as a ContentFile named `<uuid>.jpg`.
    Raises ValidationError (in the user's language) for anything that is not an image or is
    larger than 10 MB."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("照片“%(name)s”超过 10 MB。") % {"name": upload.name})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片“%(name)s”尺寸过大。") % {"name": upload.name})
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("“%(name)s”不是可识别的图片，请上传 JPEG、PNG 等格式的照片。") % {"name": upload.name}
        ) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # A fresh image holds pixels only: no EXIF, GPS, XMP or ICC data carries over.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
