"""Journeys through the portal as people make them, on a phone and (organizers) a desktop."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, check_accessibility, sign_in
from tests.conftest import PASSWORD, make_member, make_station

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_switching_to_english_and_back_keeps_the_page(open_page, street_a, street_b):
    make_station(street=street_a)
    make_station(street=street_b, name="殷行HUI新屋")
    page = open_page(PHONE)
    page.goto(f"/stations/?street={street_b.pk}")
    assert page.locator("h1").inner_text() == "服务站点"
    assert page.locator(".station-list li").count() == 1
    check_accessibility(page)

    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(rf"/stations/\?street={street_b.pk}$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Service stations"
    assert page.locator(".station-list li").inner_text().startswith("殷行HUI新屋")
    check_accessibility(page)

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url(re.compile(rf"/stations/\?street={street_b.pk}$"))
    assert page.locator("h1").inner_text() == "服务站点"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_street_organizer_signs_in_by_keyboard_and_finds_their_roster(
    open_page, viewport, street_organizer, street_a, street_b
):
    make_member(street=street_a, name="王芳", gender="female")
    make_member(street=street_b, name="赵磊")
    page = open_page(viewport)
    sign_in(page, "wujiaochang", PASSWORD)
    assert page.locator(".user-menu summary").inner_text() == "wujiaochang"
    check_accessibility(page)

    # The organizers' pages sit in the "组织工作" menu; Escape closes it again.
    work = page.locator(".nav-menu summary", has_text="组织工作")
    work.click()
    assert page.get_by_role("link", name="人员名册").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("link", name="人员名册").is_visible()
    work.click()
    page.get_by_role("link", name="人员名册").click()
    page.wait_for_url("**/branches/members/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert rows.first.inner_text().startswith("王芳")
    assert "赵磊" not in page.content()
    check_accessibility(page)


def test_wrong_password_is_announced_next_to_the_form(open_page, member):
    page = open_page(PHONE)
    sign_in(page, "rider", "not-the-password")
    alert = page.get_by_role("alert")
    assert "用户名" in alert.inner_text() or "密码" in alert.inner_text()
    assert page.locator(".user-menu").count() == 0
    check_accessibility(page)


@pytest.mark.parametrize(
    "path", ["/", "/stations/", "/accounts/login/", "/accounts/password/reset/"]
)
def test_public_pages_fit_a_360px_phone_and_pass_axe(open_page, station_a, path):
    page = open_page({"width": 360, "height": 740})
    page.goto(path)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
    check_accessibility(page)


def test_station_page_from_the_finder(open_page, station_a):
    page = open_page(PHONE)
    page.goto("/stations/")
    page.get_by_role("link", name="五角场HUI新屋").click()
    page.wait_for_url(f"**/stations/{station_a.pk}/")
    assert page.locator("h1").inner_text().startswith("五角场HUI新屋")
    assert "国定路 1 号" in page.locator(".details").inner_text()
    check_accessibility(page)


def test_the_watch_catches_a_csp_violation(browser, live_server, db):
    """The harness itself: an inline script on a page is reported, so journeys can fail."""
    from tests.browser.conftest import Watch

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.x = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    context.close()
    assert any("Content Security Policy" in problem for problem in watch.problems), watch.problems
