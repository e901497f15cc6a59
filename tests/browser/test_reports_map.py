"""The sentinel reports' maps in a real browser: the public map draws the reports, and the
form's pin fills the location and offers "me too" before a duplicate is filed."""

import pytest

from services import report_actions as actions
from services.reports import Report, ReportCategory
from tests.browser.conftest import PHONE, check_accessibility, sign_in
from tests.conftest import PASSWORD, make_member, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAT, LNG = 31.2995, 121.5145


@pytest.fixture
def earlier_report(street_a, rider_branch, member):
    street_a.latitude, street_a.longitude = LAT, LNG
    street_a.save()
    other = make_member(street=street_a, name="周敏", user=make_user("courier"))
    manhole = ReportCategory.objects.get(name="井盖破损或缺失")
    return actions.report_submit(
        by=other.user, category=manhole, description="井盖缺了一角", latitude=LAT, longitude=LNG
    )


def test_the_pin_fills_the_location_and_offers_me_too(open_page, earlier_report):
    page = open_page(PHONE)
    sign_in(page, "rider", PASSWORD)
    page.goto("/reports/new/")
    page.select_option("#id_category", label="井盖破损或缺失")
    picker = page.locator("[data-report-picker]")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert abs(latitude - LAT) < 0.0002 and abs(longitude - LNG) < 0.0002
    offer = page.locator(f'#report-nearby [data-report="{earlier_report.pk}"]')
    offer.wait_for()
    assert "井盖破损或缺失" in offer.inner_text()
    check_accessibility(page)

    offer.get_by_role("button", name="我也遇到").click()
    page.wait_for_url("**/reports/")
    assert "已附议" in page.locator(".messages").inner_text()
    earlier_report.refresh_from_db()
    assert earlier_report.me_too_count == 1 and Report.objects.count() == 1


def test_the_public_map_draws_each_report(open_page, earlier_report):
    page = open_page(PHONE)
    page.goto("/reports/")
    page.locator("[data-report-map] .leaflet-interactive").first.wait_for()
    assert page.locator("[data-report-map] .leaflet-interactive").count() == 1
    check_accessibility(page)
