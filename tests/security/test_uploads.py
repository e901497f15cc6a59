"""Uploads: checked by content, held to size limits, images stored without EXIF, attachments
served as scoped downloads with safe headers; admin imports with their own size limit and
XLSX parsing that refuses XML bombs."""

import datetime
import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from branches.actions import member_advance_status
from branches.models import Member
from services import actions
from services.models import MinutesAttachment
from stations.admin import StationAdminForm
from tests.conftest import make_member
from tests.services.conftest import make_activity
from yangpu_portal.uploads import MB, clean_attachment, clean_image

GPS_TAG = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "blue")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_TAG] = {1: "N", 2: (31.0, 18.0, 0.0), 3: "E", 4: (121.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def assert_no_exif(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info


# --- The shared checks -------------------------------------------------------------------------


def test_an_image_is_reencoded_without_its_gps_and_camera_data():
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps())
    with Image.open(io.BytesIO(jpeg_with_gps())) as original:
        assert original.getexif().get(GPS_TAG)
    clean = clean_image(upload)
    assert clean.name.endswith(".jpg") and "p.jpg" not in clean.name
    assert_no_exif(clean.read())


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "mismatch"),
        ("sheet.docx", b"PK\x03\x04 not really a zip", "mismatch"),
        ("sheet.xlsx", docx_bytes(), "mismatch"),  # a Word package named .xlsx
        ("page.html", b"<script>alert(1)</script>", "bad_type"),
        ("run.exe", b"MZ\x90\x00", "bad_type"),
        ("photo.jpg", b"%PDF-1.4 not an image", "not_image"),
        ("big.pdf", b"%PDF-1.4" + b"0" * (1 * MB), "too_big"),
    ],
)
def test_attachments_are_refused_when_content_type_or_size_is_wrong(name, content, code):
    with pytest.raises(ValidationError) as caught:
        clean_attachment(
            SimpleUploadedFile(name, content),
            extensions=["pdf", "docx", "xlsx", "jpg"],
            max_bytes=1 * MB,
        )
    assert caught.value.code == code


def test_documents_that_are_what_they_say_pass_under_a_new_name():
    pdf = clean_attachment(
        SimpleUploadedFile("会议.pdf", b"%PDF-1.7\n..."), extensions=["pdf"], max_bytes=MB
    )
    docx = clean_attachment(
        SimpleUploadedFile("记录.docx", docx_bytes()), extensions=["docx"], max_bytes=MB
    )
    assert pdf.name.endswith(".pdf") and "会议" not in pdf.name
    assert docx.name.endswith(".docx") and docx.read() == docx_bytes()


def test_a_new_station_photo_loses_its_exif_and_an_unchanged_one_stays():
    form = StationAdminForm()
    form.cleaned_data = {"photo": SimpleUploadedFile("front.jpg", jpeg_with_gps())}
    cleaned = form.clean_photo()
    assert_no_exif(cleaned.read())
    form.cleaned_data = {"photo": False}  # "clear" ticked
    assert form.clean_photo() is False


# --- Minutes attachments -----------------------------------------------------------------------


@pytest.fixture
def held_minutes(enterprise_organizer, rider_branch, station_a, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    held = make_activity(
        by=enterprise_organizer,
        host=rider_branch,
        station=station_a,
        start=timezone.now() - datetime.timedelta(days=1),
    )
    return actions.minutes_save(
        activity=held,
        by=enterprise_organizer,
        chair="李强",
        recorder="王芳",
        topic="学习",
        content="内容",
    )


def test_a_minutes_photo_is_stored_without_exif_and_downloaded_through_the_scope(
    client, held_minutes, enterprise_organizer, outsider
):
    attachment = actions.attachment_add(
        minutes=held_minutes,
        by=enterprise_organizer,
        file=SimpleUploadedFile("签到表.jpg", jpeg_with_gps()),
        kind="signin_sheet",
    )
    with attachment.file.open("rb") as stored:
        assert_no_exif(stored.read())
    activity = held_minutes.activity
    url = reverse("services:minutes-attachment", args=[activity.pk, attachment.pk])
    client.force_login(enterprise_organizer)
    page = client.get(reverse("services:minutes", args=[activity.pk])).content.decode()
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_disguised_minutes_attachment_is_refused_with_a_message(
    client, held_minutes, enterprise_organizer
):
    client.force_login(enterprise_organizer)
    fake = SimpleUploadedFile("纪要.pdf", b"<script>alert(1)</script>")
    response = client.post(
        reverse("services:minutes-attach", args=[held_minutes.activity.pk]),
        {"kind": "document", "file": fake},
        follow=True,
    )
    assert "内容与文件类型不符" in response.content.decode()
    assert not MinutesAttachment.objects.exists()


# --- Status-step attachments -------------------------------------------------------------------


def test_a_status_step_photo_loses_its_exif_and_a_fake_pdf_is_refused(
    client, street_organizer, street_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    worker = make_member(street=street_a, name="赵磊")
    client.force_login(street_organizer)
    url = reverse("branches:member-status-advance", args=[worker.pk])
    step = {"to_status": "applicant", "changed_on": "2025-01-02"}
    fake = SimpleUploadedFile("申请书.pdf", b"<html><script>alert(1)</script>")
    response = client.post(url, {**step, "attachment": fake})
    assert "内容与文件类型不符" in response.content.decode()
    assert Member.objects.get(pk=worker.pk).political_status == "masses"

    photo = SimpleUploadedFile("申请书.jpg", jpeg_with_gps())
    client.post(url, {**step, "attachment": photo})
    change = worker.status_changes.get()
    with change.attachment.open("rb") as stored:
        assert_no_exif(stored.read())
    download = client.get(reverse("branches:status-attachment", args=[worker.pk, change.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/jpeg"


def test_status_step_downloads_of_pdfs_are_not_rendered_inline(
    client, street_organizer, street_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    worker = make_member(street=street_a, name="赵磊")
    change = member_advance_status(
        member=worker,
        to_status="applicant",
        on=datetime.date(2025, 1, 2),
        by=street_organizer,
        attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
    )
    client.force_login(street_organizer)
    response = client.get(reverse("branches:status-attachment", args=[worker.pk, change.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- Admin imports ---------------------------------------------------------------------------

ENTITIES = "\n".join(
    [' <!ENTITY lol0 "lol">']
    + [f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
)
# One worksheet cell holding &lol9;: 10^9 "lol"s (3 GB) if the parser expands entities.
BOMB_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE worksheet [
{ENTITIES}
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>
</sheetData></worksheet>"""


def billion_laughs_xlsx() -> bytes:
    """A workbook built by openpyxl whose worksheet is replaced by the bomb."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["名称"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as bomb:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item.filename))
        bomb.writestr("xl/worksheets/sheet1.xml", BOMB_SHEET)
    return out.getvalue()


def test_a_billion_laughs_xlsx_is_refused_not_expanded(client, district_admin, settings, tmp_path):
    from stations.models import Station

    settings.MEDIA_ROOT = tmp_path
    client.force_login(district_admin)
    upload = SimpleUploadedFile("stations.xlsx", billion_laughs_xlsx())
    started = time.process_time()
    response = client.post(
        reverse("admin:stations_station_import"), {"format": "0", "import_file": upload}
    )
    # Expanding would take minutes and gigabytes; defusedxml refuses at the first entity.
    assert time.process_time() - started < 5
    assert response.context["form"].errors["import_file"]
    assert not Station.objects.exists()


def test_openpyxl_refuses_the_entities_through_defusedxml():
    from defusedxml import EntitiesForbidden
    from openpyxl import load_workbook

    with pytest.raises(ValueError) as caught:
        load_workbook(io.BytesIO(billion_laughs_xlsx()), read_only=True)
    assert isinstance(caught.value.__cause__, EntitiesForbidden)


def test_an_oversized_import_is_refused_before_it_is_read(client, district_admin, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(district_admin)
    upload = SimpleUploadedFile("roster.csv", b"name\n" + b"x" * 2048)
    response = client.post(
        reverse("admin:branches_member_import"),
        {"format": "0", "import_file": upload, "resource": "0"},
    )
    [error] = response.context["form"].errors["import_file"]
    assert "导入文件不能超过" in error and "请拆分后分批导入" in error
