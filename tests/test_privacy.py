"""Issue 9, PIPL: the privacy notice and consent before any check-in, "my data" with its
download, erasure requests handled by an organizer in scope, and the retention command."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Event
from branches.models import Member
from services.models import Notification
from services.privacy import ErasureRequest, ErasureStatus
from services.privacy_actions import erasure_request, placeholder_phone
from services.report_actions import report_submit
from services.reports import Report, ReportCategory, ReportPhoto
from stations.actions import checkin_record, visitor_count_add
from stations.models import CheckIn, VisitorCount
from tests.conftest import PERSONAS, make_member, make_user
from tests.test_privacy_programs import add_programs
from yangpu_portal.actions import consent_give, consent_withdraw
from yangpu_portal.models import PrivacyConsent
from yangpu_portal.privacy import NOTICE_VERSION

MY_DATA = reverse("services:my-data")
CONSENT = reverse("services:my-consent")
QUEUE = reverse("services:erasure-queue")


def landing(station):
    return reverse("station-checkin", args=[station.code])


@pytest.fixture
def newcomer(street_a):
    """A worker with an account and a member record who has not consented yet."""
    user = make_user("newcomer")
    make_member(street=street_a, name="新人", user=user)
    return user


# --- Notice and consent --------------------------------------------------------------------------


@pytest.mark.django_db
class TestConsent:
    def test_the_notice_is_public_and_names_its_version(self, client):
        html = client.get(reverse("privacy-notice")).content.decode()
        assert "隐私政策" in html and NOTICE_VERSION in html and "data-privacy-notice" in html

    def test_sign_up_refuses_without_consent(self, client, street_a):
        response = client.post(
            "/accounts/signup/",
            {
                "phone": "13912345678",
                "name": "王小骑",
                "gender": "male",
                "occupation": "rider",
                "street": street_a.pk,
                "password1": "Rider-Pass-2026",
                "password2": "Rider-Pass-2026",
            },
        )
        assert "请阅读并同意隐私政策后再注册。" in response.content.decode()
        assert not PrivacyConsent.objects.exists()

    def test_first_check_in_shows_the_notice_and_stores_nothing_without_consent(
        self, client, newcomer, station_a
    ):
        client.force_login(newcomer)
        html = client.get(landing(station_a)).content.decode()
        assert "data-privacy-notice" in html and 'name="privacy_consent"' in html
        response = client.post(landing(station_a), follow=True)
        assert "请先阅读并同意隐私政策" in response.content.decode()
        assert not CheckIn.objects.exists()

    def test_ticking_consent_records_it_before_the_check_in(self, client, newcomer, station_a):
        client.force_login(newcomer)
        client.post(landing(station_a), {"privacy_consent": "on"})
        consent = PrivacyConsent.objects.get(user=newcomer)
        checkin = CheckIn.objects.get()
        assert consent.version == NOTICE_VERSION and consent.withdrawn_at is None
        assert consent.given_at <= checkin.checked_in_at
        # Consent in force: the notice is not asked again.
        assert 'name="privacy_consent"' not in client.get(landing(station_a)).content.decode()

    def test_withdrawing_on_my_data_stops_check_ins_with_a_clear_message(
        self, client, member, station_a
    ):
        client.force_login(member)
        client.post(CONSENT, {"decision": "withdraw"})
        assert PrivacyConsent.objects.get(user=member).withdrawn_at is not None
        html = client.get(landing(station_a)).content.decode()
        assert "data-consent-withdrawn" in html and "确认报到" not in html
        response = client.post(landing(station_a), {"privacy_consent": "on"}, follow=True)
        assert "您已撤回对隐私政策的同意" in response.content.decode()
        assert not CheckIn.objects.exists()

    def test_consenting_again_on_my_data_resumes_check_ins(self, client, member, station_a):
        consent_withdraw(user=member)
        client.force_login(member)
        client.post(CONSENT, {"decision": "give", "privacy_consent": "on"})
        client.post(landing(station_a))
        assert CheckIn.objects.count() == 1
        assert PrivacyConsent.objects.filter(user=member).count() == 2  # the history is kept

    def test_the_activity_check_in_needs_consent_too(
        self, client, newcomer, station_staff, committee_a, station_a
    ):
        from tests.services.conftest import make_activity

        activity = make_activity(
            by=station_staff,
            host=committee_a,
            station=station_a,
            start=timezone.now() + timedelta(minutes=10),
            audience="public",
        )
        client.force_login(newcomer)
        url = reverse("services:checkin", args=[activity.code])
        assert 'name="privacy_consent"' in client.get(url).content.decode()
        response = client.post(url, follow=True)
        assert "请先阅读并同意隐私政策" in response.content.decode()
        assert not activity.attendances.exists()
        client.post(url, {"privacy_consent": "on"})
        assert activity.attendances.filter(member__user=newcomer).exists()

    def test_consent_views_need_a_sign_in_and_a_post(self, client, member):
        assert client.post(CONSENT, {"decision": "withdraw"}).status_code == 302
        client.force_login(member)
        assert client.get(CONSENT).status_code == 405


# --- My data -------------------------------------------------------------------------------------


def add_history(user, station, n):
    """n check-ins (one a day) and n notifications for `user`'s member."""
    rider = Member.objects.get(user=user)
    for day in range(n):
        checkin_record(
            member=rider, station=station, by=user, at=timezone.now() - timedelta(days=day)
        )
    Notification.objects.bulk_create(
        Notification(user=user, title=f"通知{i}", body="内容") for i in range(n)
    )


@pytest.mark.django_db
class TestMyData:
    def test_a_member_sees_everything_held_about_them(self, client, member, station_a):
        add_history(member, station_a, 2)
        client.force_login(member)
        response = client.get(MY_DATA)
        sections = {s.key: s for s in response.context["sections"]}
        assert sections["member"].rows[0].name == "李强"
        assert len(sections["checkins"].rows) == 2
        assert len(sections["notifications"].rows) == 2
        assert len(sections["consents"].rows) == 1
        assert set(sections) >= {
            "account", "status_changes", "transfers", "signups", "attendance", "reports",
        }  # fmt: skip
        html = response.content.decode()
        assert "李强" in html and "五角场HUI新屋" in html and 'data-consent-state="given"' in html

    def test_the_download_is_json_of_the_same_data_and_is_recorded(self, client, member, station_a):
        add_history(member, station_a, 1)
        client.force_login(member)
        response = client.get(reverse("services:my-data-download"))
        assert response["Content-Disposition"].startswith("attachment")
        data = json.loads(response.content)
        assert data["member"][0]["name"] == "李强"
        assert data["checkins"][0]["station"] == "五角场HUI新屋"
        assert data["consents"][0]["version"] == NOTICE_VERSION
        assert "password" not in json.dumps(data["account"])
        assert AuditEvent.objects.filter(event=Event.EXPORT, actor_username="rider").exists()

    def test_staff_without_a_member_record_see_their_account(self, client, station_staff):
        client.force_login(station_staff)
        keys = [s.key for s in client.get(MY_DATA).context["sections"]]
        assert keys == ["account", "consents", "notifications"]

    def test_anonymous_is_sent_to_sign_in(self, client, db):
        response = client.get(MY_DATA)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_query_count_does_not_grow_with_the_history(
        self, client, member, station_a, django_assert_num_queries
    ):
        add_history(member, station_a, 3)
        add_programs(member, member, 3)  # issue 6's passport, benefits, aid, honours, career
        client.force_login(member)
        with CaptureQueriesContext(connection) as small:
            client.get(MY_DATA)
        add_programs(member, member, 27, start=100)
        rider = Member.objects.get(user=member)
        CheckIn.objects.bulk_create(
            CheckIn(
                member=rider,
                station=station_a,
                checked_in_at=timezone.now() - timedelta(days=d),
                local_date=(timezone.now() - timedelta(days=d)).date(),
            )
            for d in range(10, 40)
        )
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get(MY_DATA)
        sections = {s.key: s for s in response.context["sections"]}
        assert len(sections["checkins"].rows) == 33
        assert len(sections["aid_actions"].rows) == len(sections["milestones"].rows) == 30


# --- Erasure -------------------------------------------------------------------------------------


@pytest.fixture
def reported(member, street_a, settings, tmp_path):
    """The rider filed a report with a photo and has a notification."""
    settings.MEDIA_ROOT = tmp_path
    report = report_submit(
        by=member,
        category=ReportCategory.objects.first(),
        description="国定路井盖松动，李强 13800000000",
        latitude=31.2995,
        longitude=121.5145,
        street=street_a,
    )
    photo = ReportPhoto(report=report)
    photo.image.save("p.jpg", ContentFile(b"jpeg"), save=True)
    Notification.objects.create(user=member, title="通知", body="内容")
    return report


@pytest.mark.django_db
class TestErasure:
    def test_a_request_goes_to_the_organizer_in_scope(
        self, client, member, street_organizer, outsider
    ):
        client.force_login(member)
        client.post(reverse("services:my-erasure-request"))
        client.post(reverse("services:my-erasure-request"))  # asking twice queues it once
        request = ErasureRequest.objects.get()
        assert request.status == ErasureStatus.PENDING
        assert "data-erasure-pending" in client.get(MY_DATA).content.decode()
        client.force_login(street_organizer)
        assert "李强" in client.get(QUEUE).content.decode()
        client.force_login(outsider)
        assert "李强" not in client.get(QUEUE).content.decode()

    def test_handling_anonymizes_the_member_everywhere_and_is_audited(
        self, client, member, street_organizer, station_a, reported, tmp_path
    ):
        rider = Member.objects.get(user=member)
        checkin_record(member=rider, station=station_a, by=member)
        photo_path = tmp_path / ReportPhoto.objects.get().image.name
        assert photo_path.exists()
        request = erasure_request(member=rider, by=member)
        client.force_login(street_organizer)
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        with self.capture_on_commit():
            client.post(reverse("services:erasure-handle", args=[request.pk]))

        rider.refresh_from_db()
        assert rider.name == f"已删除 #{rider.pk}" and rider.phone == placeholder_phone(rider.pk)
        assert rider.user is None
        member.refresh_from_db()
        assert not member.is_active and not member.has_usable_password()
        assert member.username == f"erased-{member.pk}" and member.phone is None
        report = Report.objects.get(pk=reported.pk)
        assert "李强" not in report.description and "13800000000" not in report.description
        assert not ReportPhoto.objects.exists() and not photo_path.exists()
        assert not Notification.objects.filter(user=member).exists()
        # The count of visits stays, with no name attached.
        assert CheckIn.objects.filter(member=rider).count() == 1
        request.refresh_from_db()
        assert request.status == ErasureStatus.DONE and request.handled_by == street_organizer
        record = AuditEvent.objects.get(event=Event.ERASURE)
        assert record.actor_username == "wujiaochang" and record.detail["member"] == rider.pk
        # The erasure writes no field-by-field record that would keep the removed values.
        during = AuditEvent.objects.filter(pk__gt=before)
        assert all("李强" not in json.dumps(e.changes, ensure_ascii=False) for e in during)
        assert not during.filter(object_type="branches.member", event=Event.UPDATE).exists()
        # Done is done.
        client.post(reverse("services:erasure-handle", args=[request.pk]))
        assert AuditEvent.objects.filter(event=Event.ERASURE).count() == 1

    @staticmethod
    def capture_on_commit():
        from django.test import TestCase

        return TestCase.captureOnCommitCallbacks(execute=True)

    @pytest.mark.parametrize(
        ("persona", "queue", "handle"),
        [
            ("member", 403, 403),
            ("station_staff", 403, 403),
            ("auditor", 403, 403),
            ("outsider", 200, 404),
            ("enterprise_organizer", 200, 302),
            ("district_admin", 200, 302),
        ],
    )
    def test_each_persona_on_the_queue(self, persona, queue, handle, as_persona, client, member):
        request = erasure_request(member=Member.objects.get(user=member), by=member)
        as_persona(persona)
        assert client.get(QUEUE).status_code == queue
        url = reverse("services:erasure-handle", args=[request.pk])
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == handle
        request.refresh_from_db()
        assert (request.status == ErasureStatus.DONE) == (handle == 302)

    def test_anonymous_is_sent_to_sign_in(self, client, db):
        assert client.get(QUEUE).status_code == 302

    def test_queue_query_count_is_constant(
        self, client, district_admin, street_a, django_assert_num_queries
    ):
        def add(n, start):
            for i in range(n):
                user = make_user(f"w{start + i}")
                erasure_request(member=make_member(street=street_a, user=user), by=user)

        add(2, 0)
        client.force_login(district_admin)
        with CaptureQueriesContext(connection) as small:
            client.get(QUEUE)
        add(8, 10)
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get(QUEUE)
        assert len(response.context["requests"]) == 10


# --- Retention -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRetention:
    def test_prune_deletes_only_what_is_past_retention(self, member, station_a, settings):
        settings.STATIONS_CHECKIN_RETENTION_DAYS = 30
        settings.STATIONS_VISITOR_RETENTION_DAYS = 60
        rider = Member.objects.get(user=member)
        now = timezone.now()
        for days in (40, 1):
            checkin_record(
                member=rider, station=station_a, by=member, at=now - timedelta(days=days)
            )
        for days in (70, 40):
            visitor_count_add(
                station=station_a,
                purpose="water",
                count=1,
                by=None,
                on=(now - timedelta(days=days)).date(),
            )
        out = io.StringIO()
        call_command("prune_personal_data", "--dry-run", stdout=out)
        assert "would delete 1 check-ins" in out.getvalue() and CheckIn.objects.count() == 2
        call_command("prune_personal_data", stdout=out)
        assert CheckIn.objects.count() == 1 and VisitorCount.objects.count() == 1
        assert AuditEvent.objects.filter(event=Event.DELETE, detail__what="retention").exists()
        call_command("prune_personal_data", stdout=out)  # safe to run twice
        assert CheckIn.objects.count() == 1

    @pytest.mark.parametrize("days", [0, -5, 7, 100000, "365", True])
    def test_prune_refuses_nonsense_retention(self, db, settings, days):
        settings.STATIONS_CHECKIN_RETENTION_DAYS = days
        with pytest.raises(CommandError, match="refusing to prune"):
            call_command("prune_personal_data", stdout=io.StringIO())

    def test_settings_refuse_nonsense_at_start(self, monkeypatch):
        import importlib

        from django.core.exceptions import ImproperlyConfigured

        import yangpu_portal.settings as portal_settings

        monkeypatch.setenv("STATIONS_CHECKIN_RETENTION_DAYS", "3")
        with pytest.raises(ImproperlyConfigured, match="STATIONS_CHECKIN_RETENTION_DAYS"):
            importlib.reload(portal_settings)
        monkeypatch.delenv("STATIONS_CHECKIN_RETENTION_DAYS")
        importlib.reload(portal_settings)


def test_consent_give_keeps_one_in_force(db):
    user = make_user("someone")
    first = consent_give(user=user)
    assert consent_give(user=user).pk == first.pk
    old = consent_give(user=user, version="2025-01")
    assert old.pk != first.pk
    assert PrivacyConsent.objects.filter(user=user, withdrawn_at__isnull=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_on_the_notice_and_my_data(persona, as_persona, client):
    user = as_persona(persona)
    assert "data-privacy-notice" in client.get(reverse("privacy-notice")).content.decode()
    assert client.post(reverse("privacy-notice")).status_code == 405
    response = client.get(MY_DATA)
    download = client.get(reverse("services:my-data-download"))
    if user is None:
        assert response.status_code == download.status_code == 302
        return
    assert client.post(MY_DATA).status_code == 405
    # Everyone signed in sees their own account, and no one else's.
    assert response.context["sections"][0].rows == [user]
    assert json.loads(download.content)["account"][0]["username"] == user.username
