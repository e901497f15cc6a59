"""Minutes of 三会一课 meetings: written, attached, approved (locked), amended, printed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from branches.models import Member
from services import actions
from services.models import ActivityStatus, Minutes, MinutesAttachment, MinutesStatus
from tests.conftest import PERSONAS
from tests.services.conftest import make_activity

pytestmark = pytest.mark.django_db

FIELDS = {
    "chair": "李强",
    "recorder": "王芳",
    "topic": "学习贯彻会议精神",
    "content": "传达学习。讨论骑手安全。",
    "resolutions": "开展交通安全微党课。",
}


def tiny_image(fmt: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def held(enterprise_organizer, rider_branch, station_a, member, second_rider):
    """A 支部委员会 held two hours ago: 李强 attended, 王芳 did not."""
    activity = make_activity(
        by=enterprise_organizer,
        host=rider_branch,
        station=station_a,
        start=timezone.now() - timedelta(hours=2),
        end=timezone.now() - timedelta(hours=1),
    )
    actions.attendance_mark(
        activity=activity,
        by=enterprise_organizer,
        entries=[{"member": Member.objects.get(user=member), "status": "present"}],
    )
    return activity


def test_minutes_count_attendance_with_names(held, enterprise_organizer, client):
    actions.minutes_save(activity=held, by=enterprise_organizer, **FIELDS)
    client.force_login(enterprise_organizer)
    html = client.get(reverse("services:minutes-print", args=[held.pk])).content.decode()
    assert 'data-count="expected">2<' in html
    assert 'data-count="present">1<' in html
    assert 'data-count="absent">1<' in html
    assert "学习贯彻会议精神" in html and "王芳" in html
    assert "草稿" in html


def test_future_meeting_has_no_minutes(meeting, enterprise_organizer):
    with pytest.raises(ValidationError, match="尚未召开"):
        actions.minutes_save(activity=meeting, by=enterprise_organizer, **FIELDS)
    assert not Minutes.objects.exists()


def test_non_meeting_has_no_minutes(enterprise_organizer, committee_a, station_staff, station_a):
    activity = make_activity(
        by=station_staff,
        host=committee_a,
        station=station_a,
        kind="health_check",
        start=timezone.now() - timedelta(hours=3),
    )
    with pytest.raises(ValidationError):
        actions.minutes_save(activity=activity, by=station_staff, **FIELDS)


def test_approval_locks_and_corrections_become_amendments(held, enterprise_organizer):
    minutes = actions.minutes_save(activity=held, by=enterprise_organizer, **FIELDS)
    actions.minutes_approve(minutes=minutes, by=enterprise_organizer)
    minutes.refresh_from_db()
    held.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_by == enterprise_organizer
    assert held.status == ActivityStatus.FINISHED

    with pytest.raises(ValidationError, match="锁定"):
        actions.minutes_save(activity=held, by=enterprise_organizer, topic="改")
    minutes.refresh_from_db()
    assert minutes.topic == FIELDS["topic"]
    amendment = actions.minutes_amend(
        minutes=minutes, by=enterprise_organizer, text="决议补充：每月一次"
    )
    assert list(minutes.amendments.all()) == [amendment]


def test_station_staff_write_but_do_not_approve(held, station_staff):
    minutes = actions.minutes_save(activity=held, by=station_staff, **FIELDS)
    with pytest.raises(PermissionDenied):
        actions.minutes_approve(minutes=minutes, by=station_staff)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT


def test_attachments_go_to_storage_and_stop_after_approval(
    held, enterprise_organizer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    minutes = actions.minutes_save(activity=held, by=enterprise_organizer, **FIELDS)
    photo = SimpleUploadedFile("signin.jpg", tiny_image("JPEG"), content_type="image/jpeg")
    attachment = actions.attachment_add(
        minutes=minutes, by=enterprise_organizer, file=photo, kind="signin_sheet"
    )
    assert attachment.file.storage.exists(attachment.file.name)

    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        actions.attachment_add(minutes=minutes, by=enterprise_organizer, file=bad, kind="document")
    actions.minutes_approve(minutes=minutes, by=enterprise_organizer)
    with pytest.raises(ValidationError, match="锁定"):
        actions.attachment_add(minutes=minutes, by=enterprise_organizer, file=photo, kind="photo")
    assert MinutesAttachment.objects.count() == 1


MINUTES_STATUS = {
    "anonymous": 302,
    "member": 403,
    "station_staff": 200,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "outsider": 404,
    "district_admin": 200,
    "auditor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_minutes_page_by_persona(persona, as_persona, client, held):
    as_persona(persona)
    response = client.get(reverse("services:minutes", args=[held.pk]))
    assert response.status_code == MINUTES_STATUS[persona]
    if response.status_code == 200:
        assert "李强" in response.content.decode()


def test_write_approve_print_through_the_pages(
    client, enterprise_organizer, held, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(enterprise_organizer)
    url = reverse("services:minutes", args=[held.pk])
    assert client.get(reverse("services:minutes-approve", args=[held.pk])).status_code == 405
    response = client.post(url, FIELDS, follow=True)
    assert "会议记录已保存" in response.content.decode()
    photo = SimpleUploadedFile("a.png", tiny_image("PNG"), content_type="image/png")
    client.post(
        reverse("services:minutes-attach", args=[held.pk]), {"kind": "photo", "file": photo}
    )
    assert MinutesAttachment.objects.count() == 1
    response = client.post(reverse("services:minutes-approve", args=[held.pk]), follow=True)
    assert 'data-minutes-status="approved"' in response.content.decode()
    client.post(reverse("services:minutes-amend", args=[held.pk]), {"text": "更正：记录人为王芳"})
    html = client.get(reverse("services:minutes-print", args=[held.pk])).content.decode()
    assert "更正：记录人为王芳" in html and "审定：" in html


def test_empty_minutes_form_shows_errors(client, enterprise_organizer, held):
    client.force_login(enterprise_organizer)
    response = client.post(reverse("services:minutes", args=[held.pk]), {"chair": ""})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert not Minutes.objects.exists()


def test_print_without_minutes_is_404(client, enterprise_organizer, held):
    client.force_login(enterprise_organizer)
    assert client.get(reverse("services:minutes-print", args=[held.pk])).status_code == 404


def test_once_a_branch_has_a_secretary_account_only_the_secretary_approves(
    held, enterprise_organizer, rider_branch
):
    from branches.models import OrganizerAssignment, OrganizerRole
    from tests.conftest import make_user

    secretary = make_user("secretary")
    OrganizerAssignment.objects.create(
        user=secretary, role=OrganizerRole.SECRETARY, organization=held.host_organization
    )
    minutes = actions.minutes_save(activity=held, by=enterprise_organizer, **FIELDS)
    with pytest.raises(PermissionDenied):
        actions.minutes_approve(minutes=minutes, by=enterprise_organizer)
    actions.minutes_approve(minutes=minutes, by=secretary)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_by == secretary
