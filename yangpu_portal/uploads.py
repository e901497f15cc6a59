"""Uploaded files, the same way everywhere: checked by content (never by name or the browser's
content type), held to a size limit, images re-encoded without metadata (EXIF and GPS gone),
and served back as downloads with headers that stop a browser from running them.

Used by report photos and status-step attachments, station photos, minutes attachments and
aid applications' documents;
admin imports have their own limit (`yangpu_portal.imports`)."""

import io
import uuid
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
# Bigger than any phone camera; stops decompression bombs before the pixels are read.
MAX_PIXELS = 50_000_000
MAX_SIDE = 2560

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif", "heic")
PDF, WORD, EXCEL = "pdf", ("doc", "docx"), ("xls", "xlsx")
# The first bytes of each accepted document type.
_PDF_MAGIC = b"%PDF-"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls (Office 97-2003)
_ZIP_MAGIC = b"PK\x03\x04"  # .docx, .xlsx (Office Open XML)
_OOXML_PART = {"docx": "word/", "xlsx": "xl/"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").name[:80]


upload_name = _name  # the file's own name, without any path, for messages


def check_size(upload, *, max_bytes: int) -> None:
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s”超过 %(mb)d MB。") % {"name": _name(upload), "mb": max_bytes // MB},
            code="too_big",
        )


def clean_image(upload, *, max_bytes: int = 10 * MB) -> ContentFile:
    """A JPEG re-encoding of `upload` with no metadata, as a ContentFile named `<uuid>.jpg`.
    Raises ValidationError (in the user's language) for anything that is not an image, is
    larger than `max_bytes` or has more than MAX_PIXELS pixels."""
    check_size(upload, max_bytes=max_bytes)
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("图片“%(name)s”尺寸过大。") % {"name": _name(upload)}, code="too_large"
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("“%(name)s”不是可识别的图片，请上传 JPEG、PNG 等格式的照片。")
            % {"name": _name(upload)},
            code="not_image",
        ) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # A fresh image holds pixels only: no EXIF, GPS, XMP or ICC data carries over.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _sniff_document(upload) -> str | None:
    """The document type the content shows ("pdf", "doc"/"xls", "docx"/"xlsx"), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    suffix = PurePath(_name(upload)).suffix.lower().lstrip(".")
    if head.startswith(_PDF_MAGIC):
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        return suffix if suffix in ("doc", "xls") else None
    if head.startswith(_ZIP_MAGIC) and suffix in _OOXML_PART:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith(_OOXML_PART[suffix]) for n in names):
            return suffix
    return None


def document_type(upload) -> str | None:
    """The document type `upload`'s content shows ("pdf", "doc", "docx", "xls", "xlsx"), or
    None; a PDF is known by its content alone, Office files also by their name. The file is
    left at its start."""
    return _sniff_document(upload)


def clean_attachment(upload, *, extensions, max_bytes: int) -> ContentFile:
    """A stored-ready copy of an attachment: images are re-encoded (clean_image), PDF and
    Office files pass when their content matches their name's type; every copy gets an
    unguessable name. Raises ValidationError for any other content, a type not in
    `extensions`, or a file above `max_bytes`."""
    check_size(upload, max_bytes=max_bytes)
    suffix = PurePath(_name(upload)).suffix.lower().lstrip(".")
    if suffix not in extensions:
        raise ValidationError(
            _("不支持“%(name)s”的文件类型，可上传：%(types)s。")
            % {"name": _name(upload), "types": "、".join(extensions)},
            code="bad_type",
        )
    if suffix in IMAGE_EXTENSIONS:
        return clean_image(upload, max_bytes=max_bytes)
    kind = _sniff_document(upload)
    if kind is None or kind != suffix:
        raise ValidationError(
            _("“%(name)s”的内容与文件类型不符。") % {"name": _name(upload)}, code="mismatch"
        )
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{kind}")


def download_response(fieldfile, *, filename: str | None = None) -> FileResponse:
    """A stored file as a download: `Content-Disposition: attachment`, a content type from the
    checked extension (never guessed from the content), `nosniff`, and a sandboxing CSP so that
    even a file opened inline cannot run script or load anything."""
    name = filename or PurePath(fieldfile.name).name
    suffix = PurePath(fieldfile.name).suffix.lower().lstrip(".")
    response = FileResponse(
        fieldfile.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
