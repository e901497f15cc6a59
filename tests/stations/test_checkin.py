"""QR check-in (报到): the landing page, one check-in per member, station and day, concurrency,
visitors without a member record or a sign-in; the printable poster."""

import re
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from branches.models import Member
from stations.actions import checkin_record
from stations.models import CheckIn
from stations.qr import qr_svg
from tests.conftest import make_member, make_station, make_user
from yangpu_portal.actions import consent_give

SHANGHAI = ZoneInfo("Asia/Shanghai")


def consenting_user(username):
    """An account that consented to the privacy notice (issue 9: check-ins need it)."""
    user = make_user(username)
    consent_give(user=user, by=user)
    return user


def landing(station):
    return reverse("station-checkin", args=[station.code])


@pytest.fixture
def rider(member):
    return Member.objects.get(user=member)


@pytest.mark.django_db
class TestCheckinRecord:
    def test_one_per_member_station_and_shanghai_day(self, rider, station_a):
        morning = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)
        first, created = checkin_record(member=rider, station=station_a, by=None, at=morning)
        assert created and first.local_date.isoformat() == "2026-11-23"
        again, created = checkin_record(
            member=rider, station=station_a, by=None, at=morning.replace(hour=20)
        )
        assert not created and again.pk == first.pk
        assert CheckIn.objects.count() == 1

    def test_the_day_is_shanghais_not_utcs(self, rider, station_a):
        # 23:30 UTC on the 22nd is 07:30 on the 23rd in Shanghai: the same day as 20:00 there.
        late_utc = datetime(2026, 11, 22, 23, 30, tzinfo=ZoneInfo("UTC"))
        checkin_record(member=rider, station=station_a, by=None, at=late_utc)
        _, created = checkin_record(
            member=rider,
            station=station_a,
            by=None,
            at=datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI),
        )
        assert not created
        _, created = checkin_record(
            member=rider,
            station=station_a,
            by=None,
            at=datetime(2026, 11, 24, 0, 5, tzinfo=SHANGHAI),
        )
        assert created

    def test_other_stations_and_members_count_separately(
        self, rider, station_a, station_b, street_a
    ):
        other = make_member(street=street_a, name="王芳", user=consenting_user("wangfang"))
        assert checkin_record(member=rider, station=station_a, by=None)[1]
        assert checkin_record(member=rider, station=station_b, by=None)[1]
        assert checkin_record(member=other, station=station_a, by=None)[1]
        assert CheckIn.objects.count() == 3

    def test_inactive_station_refuses(self, rider, street_a):
        closed = make_station(street=street_a, name="闭站", is_active=False)
        with pytest.raises(ValidationError):
            checkin_record(member=rider, station=closed, by=None)
        assert not CheckIn.objects.exists()


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="concurrent writers need PostgreSQL (SQLite serializes the whole database)",
)
# serialized_rollback: later tests find the role groups and other migrated rows again.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_scans_record_one_checkin(street_a):
    station = make_station(street=street_a)
    rider = make_member(street=street_a, name="李强", user=consenting_user("liqiang"))
    barrier = threading.Barrier(4)
    results = []

    def scan():
        try:
            barrier.wait()
            results.append(checkin_record(member=rider, station=station, by=None)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
class TestLanding:
    def test_anonymous_is_sent_to_sign_in_and_back(self, client, station_a):
        response = client.get(landing(station_a))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={landing(station_a)}"

    def test_anonymous_post_writes_nothing(self, client, station_a):
        response = client.post(landing(station_a))
        assert response.status_code == 302 and "next=" in response["Location"]
        assert not CheckIn.objects.exists()

    def test_sign_in_returns_to_the_landing_page(self, client, member, station_a):
        login = reverse("account_login")
        response = client.post(
            f"{login}?next={landing(station_a)}",
            {"login": "rider", "password": "Correct-Horse-2026"},
        )
        assert response.status_code == 302 and response["Location"] == landing(station_a)

    def test_get_shows_the_button_and_writes_nothing(self, client, member, station_a):
        client.force_login(member)
        html = client.get(landing(station_a)).content.decode()
        assert "五角场HUI新屋" in html and "确认报到" in html and "李强" in html
        assert not CheckIn.objects.exists()

    def test_member_checks_in_with_one_post_then_sees_already(self, client, member, station_a):
        client.force_login(member)
        response = client.post(landing(station_a), follow=True)
        assert response.redirect_chain == [(landing(station_a), 302)]
        html = response.content.decode()
        assert "报到成功" in html
        assert "data-checked-in" in html and "确认报到" not in html
        assert CheckIn.objects.get().station == station_a

        # A second scan, the same day: says so and writes nothing.
        html = client.get(landing(station_a)).content.decode()
        assert "今天已在本站报到" in html and "确认报到" not in html
        html = client.post(landing(station_a), follow=True).content.decode()
        assert "您今天已经在本站报到过了" in html
        assert CheckIn.objects.count() == 1

    def test_user_without_member_record_gets_a_clear_message(self, client, station_a):
        client.force_login(make_user("nomember"))
        response = client.get(landing(station_a))
        assert response.status_code == 403
        assert "还没有关联人员信息" in response.content.decode()
        response = client.post(landing(station_a))
        assert response.status_code == 403 and "还没有关联人员信息" in response.content.decode()
        assert not CheckIn.objects.exists()

    def test_inactive_station_shows_why_and_writes_nothing(self, client, member, street_a):
        closed = make_station(street=street_a, name="闭站", is_active=False)
        client.force_login(member)
        assert "无法报到" in client.get(landing(closed)).content.decode()
        html = client.post(landing(closed), follow=True).content.decode()
        assert "此站点目前不对外开放" in html
        assert not CheckIn.objects.exists()

    def test_unknown_code_is_404(self, client, member, db):
        client.force_login(member)
        url = reverse("station-checkin", args=["00000000-0000-0000-0000-000000000000"])
        assert client.get(url).status_code == 404

    def test_code_is_a_uuid_not_the_id(self, station_a):
        assert re.fullmatch(r"/s/[0-9a-f-]{36}/", landing(station_a))

    def test_other_methods_are_refused(self, client, member, station_a):
        client.force_login(member)
        assert client.put(landing(station_a)).status_code == 405


@pytest.mark.django_db
class TestPoster:
    def url(self, station):
        return reverse("stations:station-poster", args=[station.pk])

    def test_staff_print_their_stations_poster(self, client, station_staff, station_a):
        client.force_login(station_staff)
        html = client.get(self.url(station_a)).content.decode()
        assert "五角场HUI新屋" in html and "扫码报到" in html and "确认报到" in html
        landing_url = f"http://testserver{landing(station_a)}"
        assert f"<span data-landing-url>{landing_url}</span>" in html
        expected = qr_svg(landing_url)
        assert f'viewBox="0 0 {expected.size} {expected.size}"' in html
        assert f'<path d="{expected.path}"' in html

    def test_poster_stays_chinese_in_english(self, client, station_staff, station_a):
        client.force_login(station_staff)
        client.post(reverse("set_language"), {"language": "en"})
        html = client.get(self.url(station_a)).content.decode()
        assert "扫码报到" in html and "打开微信或手机相机" in html

    def test_other_stations_poster_is_404(self, client, station_staff, station_b):
        client.force_login(station_staff)
        assert client.get(self.url(station_b)).status_code == 404

    def test_anonymous_goes_to_sign_in(self, client, station_a):
        assert client.get(self.url(station_a)).status_code == 302


def test_qr_path_decodes_back_to_the_matrix():
    import qrcode

    svg = qr_svg("https://portal.example/s/abc/")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data("https://portal.example/s/abc/")
    code.make(fit=True)
    matrix = code.get_matrix()
    drawn = [[False] * svg.size for _ in range(svg.size)]
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", svg.path):
        for dx in range(int(width)):
            drawn[int(y)][int(x) + dx] = True
    assert drawn == matrix
    assert set(svg.path) <= set("Mhvz0123456789,-")
