"""Report photos: checked by content, re-encoded as JPEG without any metadata (EXIF, GPS
included) before they reach Django's default storage (the shared `yangpu_portal.uploads`)."""

from django.core.files.base import ContentFile

from services.reports import PHOTO_MAX_BYTES
from yangpu_portal.uploads import MAX_PIXELS, clean_image

__all__ = ["MAX_PIXELS", "clean_photo"]


def clean_photo(upload) -> ContentFile:
    """A JPEG re-encoding of `upload` with no metadata, as a ContentFile named `<uuid>.jpg`.
    Raises ValidationError (in the user's language) for anything that is not an image or is
    larger than 10 MB."""
    return clean_image(upload, max_bytes=PHOTO_MAX_BYTES)
