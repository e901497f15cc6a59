"""Issue 11, journey 5: the district admin opens the dashboard on a desktop and on a phone,
sees the figures, filters a quarter, downloads a chart's data (the file's content checked) and
opens the printable monthly report. axe runs on every page; the `open_page` watch fails the
test on any console error, CSP violation or failed request."""

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone

from stations.models import CheckIn
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, sign_in
from tests.conftest import PASSWORD, TOTP_SECRET, make_member, make_station
from yangpu_portal.actions import dashboard_refresh

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_district_admin_reads_the_dashboard_and_downloads_a_charts_data(
    open_page, viewport, district_admin, street_a, street_b, rider_branch
):
    street_a.latitude, street_a.longitude = 31.2995, 121.5145
    street_a.save()
    busy = make_station(street=street_a, name="国定路HUI新屋")
    make_station(street=street_b, name="殷行HUI新屋", latitude=31.3243, longitude=121.5245)
    riders = [make_member(street=street_a, name=f"骑手{i}") for i in range(4)]
    today = timezone.localdate()
    CheckIn.objects.bulk_create(
        CheckIn(member=m, station=busy, checked_in_at=timezone.now(), local_date=today)
        for m in riders
    )
    dashboard_refresh()

    page = open_page(viewport)
    sign_in(page, "district", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/dashboard/")
    assert page.locator("h1").inner_text() == "全区数据看板"
    assert "数据截至" in page.locator("[data-refreshed]").inner_text()
    gap = page.locator("#t-station-gap")
    assert gap.locator("svg title").text_content() == "每个开放站点对应骑手"
    check_accessibility(page)

    # This quarter, then the busiest stations' numbers.
    page.get_by_role("link", name="本季度", exact=True).click()
    page.wait_for_url("**/dashboard/?start=*")
    busiest = page.locator("#t-busiest-stations")
    busiest.locator("summary").click()
    assert busiest.locator("tbody tr").first.inner_text().split() == ["国定路HUI新屋", "4"]
    with page.expect_download() as info:
        busiest.locator("[data-download='busiest-stations.csv']").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["站点", "报到和来访人次"],
        ["国定路HUI新屋", "4"],
    ]
    check_accessibility(page)

    page.get_by_role("link", name="月报（可打印）").click()
    page.wait_for_url("**/dashboard/monthly/")
    assert "月报" in page.locator("h1").inner_text()
    assert page.get_by_role("button", name="打印").is_visible()
    check_accessibility(page)
