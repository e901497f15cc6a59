"""Issue 11's journeys, as the people make them: on a phone (390x844), and the organizers'
ones also on a desktop (1366x768). Each asserts what the person sees and runs axe on every page
it visits; the `open_page` watch fails the test on any console error, CSP violation or failed
request."""

import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from branches.models import Member
from branches.resources import COLUMNS
from services.models import Activity, Attendance, AttendanceStatus
from stations.actions import Shift, station_hours_set
from stations.models import CheckIn
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, sign_in
from tests.conftest import PASSWORD, TOTP_SECRET, make_station
from yangpu_portal.models import PrivacyConsent
from yangpu_portal.privacy import NOTICE_VERSION

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HERE = {"latitude": 31.2995, "longitude": 121.5145}  # by 国定路, street A


def open_all_week(station):
    station_hours_set(
        station=station, shifts=[Shift(weekday=day, all_day=True) for day in range(7)]
    )


def submit_login_here(page, username):
    """Sign in on the sign-in page the portal sent us to (keeping its `next`)."""
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")


# --- 1. A rider finds the nearest open station and checks in by its QR code ---------------------


def test_rider_finds_the_nearest_open_station_and_checks_in(open_page, member, street_a, street_b):
    # A rider put on the roster by their branch, who has not seen the privacy notice yet.
    PrivacyConsent.objects.filter(user=member).delete()
    nearest_open = make_station(
        street=street_a, name="国定路HUI新屋", latitude=31.3003, longitude=121.5150
    )
    open_all_week(nearest_open)
    make_station(street=street_a, name="政通路骑手驿站", latitude=31.2996, longitude=121.5146)
    far_open = make_station(
        street=street_b, name="殷行HUI新屋", latitude=31.3243, longitude=121.5245
    )
    open_all_week(far_open)

    page = open_page(PHONE, geolocation=HERE, permissions=["geolocation"])
    page.goto("/stations/")
    page.get_by_label("开放状态").select_option("now")
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_url(re.compile(r"near=31\.29"))
    cards = page.locator(".station-list > li")
    assert cards.count() == 2  # the closed one, although nearer, is filtered out
    assert cards.first.get_attribute("data-station") == str(nearest_open.pk)
    assert "现在开放" in cards.first.inner_text()
    assert re.search(r"\d+ 米", cards.first.locator("[data-distance]").inner_text())
    check_accessibility(page)

    cards.first.get_by_role("link", name="国定路HUI新屋").click()
    page.wait_for_url(f"**/stations/{nearest_open.pk}/")
    assert page.locator("h1").inner_text().startswith("国定路HUI新屋")
    check_accessibility(page)

    # The phone's camera opens the poster's QR code: the landing page asks to sign in first.
    page.goto(f"/s/{nearest_open.code}/")
    assert "/accounts/login/" in page.url
    submit_login_here(page, "rider")
    page.wait_for_url(f"**/s/{nearest_open.code}/")
    # Issue 9: the first check-in shows the privacy notice; nothing is stored without consent.
    assert page.locator("[data-privacy-notice]").is_visible()
    check_accessibility(page)
    page.locator("[data-privacy-consent]").check()
    page.get_by_role("button", name="确认报到").click()
    page.wait_for_load_state()
    assert "报到成功" in page.locator(".messages").inner_text()
    assert page.locator("[data-checked-in]").is_visible()
    assert CheckIn.objects.filter(station=nearest_open, member__user=member).count() == 1
    consent = PrivacyConsent.objects.get(user=member)
    assert consent.version == NOTICE_VERSION and consent.withdrawn_at is None
    check_accessibility(page)


# --- 2. Station staff schedule an activity and mark attendance ---------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_station_staff_schedule_an_activity_and_mark_attendance(
    open_page, viewport, station_staff, station_a, rider_branch, member
):
    station_a.host_organization = rider_branch
    station_a.save()
    start = timezone.localtime() + datetime.timedelta(days=1)
    start = start.replace(hour=14, minute=0, second=0, microsecond=0)

    page = open_page(viewport)
    sign_in(page, "station", PASSWORD)
    page.goto("/activities/new/")
    check_accessibility(page)
    page.get_by_label("标题", exact=False).fill("骑手主题党日：安全骑行")
    page.get_by_label("类型:").select_option("theme_day")
    page.get_by_label("所属项目").select_option("ideology")
    page.get_by_label("主办党组织").select_option(str(rider_branch.pk))
    page.get_by_label("活动站点").select_option(str(station_a.pk))
    page.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill(
        (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("参加对象").select_option("organization")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert "已创建 1 个活动" in page.locator(".messages").inner_text()
    activity = Activity.objects.get(title="骑手主题党日：安全骑行")
    assert activity.status == "published" and activity.station == station_a
    check_accessibility(page)

    page.get_by_role("link", name=re.compile("出勤")).first.click()
    page.wait_for_url(f"**/activities/{activity.pk}/attendance/")
    row = page.locator(f'tr[data-member="{member.member.pk}"]')
    assert "李强" in row.inner_text()
    check_accessibility(page)
    row.get_by_label("出席").check()
    page.get_by_role("button", name="保存出勤").click()
    page.wait_for_load_state()
    assert "实到 1 人" in page.locator(".result-count").inner_text()
    attendance = Attendance.objects.get(activity=activity, member=member.member)
    assert attendance.status == AttendanceStatus.PRESENT and attendance.recorded_by == station_staff


# --- 4. The district admin imports a roster XLSX through the admin -----------------------------


def roster_xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(["陈晓", "女", "13912345678", "群众", "", "快递员", "", "五角场街道", "", "否"])
    sheet.append(
        [
            "刘洋",
            "男",
            "139 1234 5679",
            "正式党员",
            "外卖骑手党支部",
            "外卖骑手",
            "美团",
            "五角场街道",
            datetime.datetime(2020, 7, 1),
            "是",
        ]
    )
    data = io.BytesIO()
    book.save(data)
    path.write_bytes(data.getvalue())
    return path


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_district_admin_imports_a_roster_and_finds_the_new_member(
    open_page, viewport, district_admin, rider_branch, street_a, street_b, tmp_path
):
    upload = roster_xlsx(tmp_path / "五角场名册.xlsx")
    page = open_page(viewport)
    sign_in(page, "district", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/admin/branches/member/")
    page.locator("a.import_link").click()
    page.wait_for_url("**/admin/branches/member/import/")
    check_accessibility(page)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.locator("select[name=format]").select_option(label="xlsx")
    page.get_by_role("button", name=re.compile("提交|预检|Submit")).click()
    page.wait_for_load_state()
    assert "预检结果" in page.content()
    assert page.locator("text=新增").first.is_visible()
    assert Member.objects.filter(phone__in=["13912345678", "13912345679"]).count() == 0
    page.get_by_role("button", name=re.compile("确认导入|Confirm")).click()
    page.wait_for_load_state()
    assert Member.objects.filter(phone__in=["13912345678", "13912345679"]).count() == 2

    page.goto("/branches/members/?q=5679")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and rows.first.inner_text().startswith("刘洋")
    check_accessibility(page)


# --- 3. A rider reports a hazard with a photo; the street organizer accepts and dispatches it ---


def jpeg_with_gps(path):
    from PIL import Image

    image = Image.new("RGB", (320, 240), (120, 110, 100))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (31.0, 17.0, 58.0), "E", (121.0, 30.0, 52.0)
    image.save(path, format="JPEG", exif=exif)
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_rider_reports_a_hazard_and_the_street_organizer_dispatches_it(
    open_page, viewport, member, street_organizer, street_a, media, tmp_path
):
    from PIL import Image

    from services.reports import HandlingUnit, Report, ReportCategory, RoutingRule

    street_a.latitude, street_a.longitude = HERE["latitude"], HERE["longitude"]
    street_a.save()
    manhole = ReportCategory.objects.get(name="井盖破损或缺失")
    unit = HandlingUnit.objects.create(name="五角场街道城市运行管理中心")
    RoutingRule.objects.create(category=manhole, street=street_a, unit=unit)

    # The rider, on a phone, with its location shared.
    rider = open_page(PHONE, geolocation=HERE, permissions=["geolocation"])
    sign_in(rider, "rider", PASSWORD)
    rider.goto("/reports/new/")
    check_accessibility(rider)
    rider.get_by_label("事件类别").select_option(label="井盖破损或缺失")
    rider.get_by_label("问题描述").fill("国定路上井盖破了一半，电动车容易翻。")
    rider.get_by_role("button", name="使用我的位置").click()
    rider.wait_for_function("document.getElementById('id_latitude').value !== ''")
    assert float(rider.input_value("#id_latitude")) == pytest.approx(HERE["latitude"], abs=1e-5)
    rider.get_by_label("地址").fill("国定路 600 号门口")
    rider.get_by_label("照片（最多 3 张）").set_input_files(str(jpeg_with_gps(tmp_path / "p.jpg")))
    rider.get_by_role("button", name="提交", exact=True).click()
    rider.wait_for_url("**/reports/mine/*")
    assert "已提交，感谢您的上报" in rider.locator(".messages").inner_text()
    report = Report.objects.get()
    assert report.street == street_a and report.state == "submitted"
    with Image.open(report.photos.get().image.path) as stored:
        assert not stored.getexif().get_ifd(0x8825)  # the GPS position is gone
    check_accessibility(rider)

    # The street organizer, on this test's viewport.
    organizer = open_page(viewport)
    sign_in(organizer, "wujiaochang", PASSWORD)
    organizer.goto("/reports/triage/")
    row = organizer.locator(f'[data-report="{report.pk}"]')
    assert "井盖破损或缺失" in row.inner_text()
    check_accessibility(organizer)
    row.get_by_role("link").first.click()
    organizer.wait_for_url(f"**/reports/triage/{report.pk}/")
    assert organizer.locator("[data-reporter]").inner_text().startswith("李强")
    check_accessibility(organizer)
    organizer.get_by_role("button", name="受理", exact=True).click()
    organizer.wait_for_load_state()
    assert "已受理" in organizer.locator("h1").inner_text()
    assert "五角场街道城市运行管理中心" in organizer.locator("[data-proposed]").inner_text()
    organizer.get_by_role("button", name="派单", exact=True).click()
    organizer.wait_for_load_state()
    assert "已派单" in organizer.locator("h1").inner_text()
    report.refresh_from_db()
    assert report.state == "dispatched" and report.unit == unit and report.due_date

    # The rider follows it on "my reports"; the public list never names them.
    rider.goto("/reports/mine/")
    assert "已派单" in rider.locator(f"#report-{report.pk}").inner_text()
    rider.goto("/reports/")
    assert "李强" not in rider.content()
    assert rider.locator(f'tr[data-report="{report.pk}"]').is_visible()
