"""Aid applications (助学帮扶, issue 6): the workflow with who/when/note, scope, attachments
checked by content (EXIF gone, PDFs by magic bytes) and served only in scope, and every page
tried by each persona."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from branches.models import Member, OccupationGroup
from services import care_actions
from services.care import (
    AidAction,
    AidApplication,
    AidAttachment,
    AidAttachmentKind,
    AidProgram,
    AidState,
)
from tests.conftest import PERSONAS
from tests.services.test_reports import jpeg_with_gps

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(monkeypatch, tmp_path):
    """The field's storage is made once at start-up (settings `STORAGES["private"]`): swap it."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(AidAttachment._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def program(db):
    return AidProgram.objects.create(name="助学帮扶", max_amount=Decimal("5000"))


def apply(by, program, files=None, amount="2000"):
    return care_actions.aid_apply(
        by=by, program=program, amount=Decimal(amount), reason="孩子上初中，学费困难", files=files
    )


@pytest.fixture
def application(member, program):
    return apply(member, program, files=[SimpleUploadedFile("证明.jpg", jpeg_with_gps())])


# --- Workflow ----------------------------------------------------------------------------------


def test_full_workflow_records_who_when_and_note(application, street_organizer, district_admin):
    care_actions.aid_move(
        application=application, move="review", by=street_organizer, note="材料齐全"
    )
    care_actions.aid_move(application=application, move="approve", by=district_admin)
    care_actions.aid_move(application=application, move="pay", by=street_organizer, note="已转账")
    assert application.state == AidState.PAID
    trail = list(AidAction.objects.filter(application=application).values_list(
        "from_state", "to_state", "by__username", "note"))  # fmt: skip
    assert trail == [
        ("", "submitted", "rider", ""),
        ("submitted", "reviewed", "wujiaochang", "材料齐全"),
        ("reviewed", "approved", "district", ""),
        ("approved", "paid", "wujiaochang", "已转账"),
    ]


@pytest.mark.parametrize(
    "path, move",
    [
        ([], "approve"),
        ([], "pay"),
        ([], "refuse"),
        (["review"], "pay"),
        (["review", "approve"], "refuse"),
    ],
)
def test_skipping_moves_is_refused(application, street_organizer, path, move):
    for step in path:
        care_actions.aid_move(application=application, move=step, by=street_organizer)
    state = application.state
    with pytest.raises(ValidationError, match="不能执行此操作"):
        care_actions.aid_move(application=application, move=move, by=street_organizer, note="x")
    application.refresh_from_db()
    assert application.state == state
    assert application.actions.count() == len(path) + 1


def test_refusing_needs_a_reason_and_ends_the_workflow(application, street_organizer):
    care_actions.aid_move(application=application, move="review", by=street_organizer)
    with pytest.raises(ValidationError, match="理由"):
        care_actions.aid_move(application=application, move="refuse", by=street_organizer)
    care_actions.aid_move(
        application=application, move="refuse", by=street_organizer, note="不符合条件"
    )
    assert application.state == AidState.REFUSED
    with pytest.raises(ValidationError):
        care_actions.aid_move(application=application, move="pay", by=street_organizer)


@pytest.mark.parametrize("who", ["member", "outsider", "station_staff"])
def test_only_reviewers_in_scope_move(application, request, who):
    with pytest.raises(PermissionDenied):
        care_actions.aid_move(
            application=application, move="review", by=request.getfixturevalue(who)
        )
    application.refresh_from_db()
    assert application.state == AidState.SUBMITTED


def test_amount_over_the_program_maximum_is_refused(member, program):
    with pytest.raises(ValidationError, match="5000"):
        apply(member, program, amount="9000")
    assert not AidApplication.objects.exists()


def test_scope_of_visible_to(application, street_organizer, enterprise_organizer, outsider,
                             district_admin, second_rider):  # fmt: skip
    def sees(user):
        return AidApplication.objects.visible_to(user).filter(pk=application.pk).exists()

    assert sees(street_organizer) and sees(enterprise_organizer) and sees(district_admin)
    assert not sees(outsider) and not sees(second_rider)


# --- Attachments -------------------------------------------------------------------------------


def test_image_attachment_loses_its_exif(application):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)
    attachment = application.attachments.get()
    assert attachment.kind == "image" and attachment.original_name == "证明.jpg"
    with attachment.file.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
    assert image.format == "JPEG" and not image.getexif()


def test_pdf_is_kept_and_a_fake_one_refused(member, program):
    application = apply(member, program, files=[SimpleUploadedFile("成绩单.pdf", PDF)])
    attachment = application.attachments.get()
    assert attachment.kind == "pdf"
    with attachment.file.open("rb") as f:
        assert f.read() == PDF
    with pytest.raises(ValidationError, match="不是图片或 PDF"):
        apply(member, program, files=[SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf")])
    assert AidApplication.objects.count() == 1


def test_oversized_attachment_is_refused(member, program, settings, monkeypatch):
    monkeypatch.setattr("services.aid_files.AID_ATTACHMENT_MAX_BYTES", len(PDF) - 1)
    with pytest.raises(ValidationError, match=r"big\.pdf”超过"):
        apply(member, program, files=[SimpleUploadedFile("big.pdf", PDF)])
    assert not AidApplication.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_attachment_served_only_in_scope(persona, as_persona, client, application):
    as_persona(persona)
    attachment = application.attachments.get()
    response = client.get(reverse("services:aid-attachment", args=[attachment.pk]))
    expected = {"anonymous": 302, "member": 200, "street_organizer": 200,
                "enterprise_organizer": 200, "district_admin": 200}.get(persona, 404)  # fmt: skip
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        body = b"".join(response.streaming_content)
        assert not Image.open(io.BytesIO(body)).getexif()


def test_private_storage_is_outside_media_root(settings):
    from services.care import private_storage

    location = str(private_storage().location)
    assert location == str(settings.PRIVATE_MEDIA_ROOT)
    assert not location.startswith(str(settings.MEDIA_ROOT))


def test_attachment_goes_to_the_private_storage(application, private_media):
    name = application.attachments.get().file.name
    assert name.startswith("aid/") and private_media.exists(name)


# --- Pages -------------------------------------------------------------------------------------


def test_member_applies_with_a_photo_on_the_page(client, member, program):
    client.force_login(member)
    response = client.post(
        reverse("services:aid-new"),
        {
            "program": program.pk,
            "amount": "1500",
            "reason": "女儿上小学",
            "attachments": [SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg")],
        },
        follow=True,
    )
    application = AidApplication.objects.get()
    assert response.redirect_chain[-1][0] == reverse("services:aid-detail", args=[application.pk])
    html = response.content.decode()
    assert "申请已提交" in html and "a.jpg" in html
    assert application.applicant.user == member and application.attachments.count() == 1


def test_bad_file_gives_a_form_error_and_writes_nothing(client, member, program):
    client.force_login(member)
    response = client.post(
        reverse("services:aid-new"),
        {
            "program": program.pk,
            "amount": "1500",
            "reason": "女儿上小学",
            "attachments": [SimpleUploadedFile("x.png", b"not an image at all", "image/png")],
        },
    )
    assert response.status_code == 200
    assert "不是图片或 PDF" in response.content.decode()
    assert not AidApplication.objects.exists() and not AidAttachment.objects.exists()


NEW_STATUS = {"anonymous": 302, "member": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_application_page_by_persona(persona, as_persona, client, program):
    as_persona(persona)
    response = client.get(reverse("services:aid-new"))
    assert response.status_code == NEW_STATUS.get(persona, 403)
    if response.status_code == 200:
        assert "助学帮扶" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_applications_by_persona(persona, as_persona, client, application):
    as_persona(persona)
    response = client.get(reverse("services:aid-mine"))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert (f'data-application="{application.pk}"' in html) == (persona == "member")


DETAIL_STATUS = {
    "anonymous": 302,
    "member": 200,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "district_admin": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_by_persona(persona, as_persona, client, application):
    as_persona(persona)
    response = client.get(reverse("services:aid-detail", args=[application.pk]))
    assert response.status_code == DETAIL_STATUS.get(persona, 404)
    if response.status_code == 200:
        html = response.content.decode()
        assert "孩子上初中" in html
        assert ('name="move" value="review"' in html) == (persona != "member")


@pytest.mark.parametrize("persona", PERSONAS)
def test_move_by_persona(persona, as_persona, client, application):
    as_persona(persona)
    url = reverse("services:aid-move", args=[application.pk])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url, {"move": "review", "note": "ok"})
    expected = {"anonymous": 302, "member": 403}.get(persona, DETAIL_STATUS.get(persona, 404))
    assert response.status_code == (302 if expected == 200 else expected)
    application.refresh_from_db()
    assert (application.state == AidState.REVIEWED) == (expected == 200)


def test_move_with_bad_input_is_a_message_not_an_error(client, application, street_organizer):
    client.force_login(street_organizer)
    url = reverse("services:aid-move", args=[application.pk])
    response = client.post(url, {"move": "teleport"}, follow=True)
    assert "操作无效" in response.content.decode()
    response = client.post(url, {"move": "pay"}, follow=True)
    assert "不能执行此操作" in response.content.decode()
    application.refresh_from_db()
    assert application.state == AidState.SUBMITTED


QUEUE_STATUS = {"anonymous": 302, "member": 403, "station_staff": 403, "auditor": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_queue_by_persona(persona, as_persona, client, application):
    as_persona(persona)
    response = client.get(reverse("services:aid-queue"))
    assert response.status_code == QUEUE_STATUS.get(persona, 200)
    if response.status_code == 200:
        html = response.content.decode()
        assert (f'data-application="{application.pk}"' in html) == (persona != "outsider")


def test_queue_filters_by_state(client, application, street_organizer):
    client.force_login(street_organizer)
    html = client.get(reverse("services:aid-queue"), {"state": "paid"}).content.decode()
    assert f'data-application="{application.pk}"' not in html
    html = client.get(reverse("services:aid-queue"), {"state": "submitted"}).content.decode()
    assert f'data-application="{application.pk}"' in html
    response = client.get(reverse("services:aid-queue"), {"state": "<script>"})
    assert response.status_code == 200


def test_queue_queries_do_not_grow(client, street_organizer, program, street_a,
                                   django_assert_num_queries):  # fmt: skip
    client.force_login(street_organizer)
    url = reverse("services:aid-queue")

    def add(n, start):
        members = Member.objects.bulk_create(
            Member(name=f"骑手{i}", gender="male", phone=f"137{i:08d}",
                   occupation=OccupationGroup.RIDER, street=street_a)
            for i in range(start, start + n)
        )  # fmt: skip
        AidApplication.objects.bulk_create(
            AidApplication(program=program, applicant=m, amount=100, reason="r") for m in members
        )

    add(3, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as at_three:
        client.get(url)
    add(27, 3)
    with django_assert_num_queries(len(at_three.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-application=") == 30


def test_district_sees_the_approved_application(client, application, street_organizer,
                                                district_admin):  # fmt: skip
    """Issue 6 "done when": district sees an approved aid application."""
    care_actions.aid_move(application=application, move="review", by=street_organizer)
    care_actions.aid_move(application=application, move="approve", by=district_admin)
    client.force_login(district_admin)
    html = client.get(reverse("services:aid-queue"), {"state": "approved"}).content.decode()
    assert f'data-application="{application.pk}"' in html and "已批准" in html
    html = client.get(reverse("services:aid-detail", args=[application.pk])).content.decode()
    assert 'value="pay"' in html and "wujiaochang" in html


def test_missing_file_is_404_not_500(client, application, member, private_media):
    attachment = application.attachments.get()
    private_media.delete(attachment.file.name)
    client.force_login(member)
    response = client.get(reverse("services:aid-attachment", args=[attachment.pk]))
    assert response.status_code == 404


def test_pdf_is_known_by_content_and_served_through_the_shared_upload_code(client, member, program):
    """Aid documents go through yangpu_portal.uploads: a PDF under an image's name is still kept
    as a PDF, and comes back as a download with the shared safe headers."""
    application = apply(member, program, files=[SimpleUploadedFile("扫描.jpg", PDF)])
    attachment = application.attachments.get()
    assert attachment.kind == AidAttachmentKind.PDF
    client.force_login(member)
    response = client.get(reverse("services:aid-attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
