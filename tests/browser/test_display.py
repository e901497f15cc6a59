"""适老化 and phones: the large-text mode, 200 % zoom, 360 px screens and 44 px touch targets,
on the public and member pages, in Chromium."""

from pathlib import Path

import pytest

from services.models import Activity
from tests.browser.conftest import PHONE, check_accessibility, sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW = {"width": 360, "height": 740}

# What cannot be seen or used at this size: content wider than the screen (outside the
# scrollable table wrappers), text cut off by its own box, and touch targets under 44 px.
# Checkboxes and radios are exempt when a label names them (the label is the target).
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_problems.js").read_text(encoding="utf-8")


def layout_problems(page):
    problems = page.evaluate(LAYOUT_PROBLEMS)
    assert isinstance(problems, list), "layout_problems.js did not run as a function"
    return problems


@pytest.fixture
def pages(station_a, member, public_activity_at):
    """The public and member pages, as paths."""
    activity = public_activity_at(station_a)
    return {
        "public": [
            "/",
            "/stations/",
            f"/stations/{station_a.pk}/",
            "/activities/",
            f"/activities/{activity.pk}/",
            "/reports/",
            "/accounts/login/",
            "/privacy/",
            # Issue 6: the programs open to everyone.
            "/courses/",
            "/routes/",
            "/passport/benefits/",
            "/honours/",
        ],
        "member": [
            "/reports/new/",
            "/reports/mine/",
            "/activities/mine/",
            "/notifications/",
            f"/s/{station_a.code}/",
            "/me/data/",
            # Issue 6: the member's passport and programs.
            "/passport/",
            "/passport/ledger/",
            "/passport/leaderboard/",
            "/aid/",
            "/aid/new/",
            "/career/",
        ],
    }


@pytest.fixture
def public_activity_at(db, rider_branch, district_admin):
    import datetime

    from django.utils import timezone

    from services.actions import activity_create

    def make(station):
        start = timezone.now() + datetime.timedelta(days=2)
        return activity_create(
            by=district_admin,
            publish=True,
            title="骑手健康义诊",
            kind="health_check",
            program="health",
            host_organization=rider_branch,
            station=station,
            start=start,
            end=start + datetime.timedelta(hours=2),
            audience="public",
        )

    return make


def test_the_large_text_mode_is_one_tap_and_kept(open_page, member, station_a):
    page = open_page(PHONE)
    page.goto("/stations/")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "17px"
    page.get_by_role("button", name="大字模式：关").click()
    page.wait_for_url("**/stations/")
    assert page.locator("html").get_attribute("class") == "large-text"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "21px"
    page.goto("/activities/")  # kept for the visit
    assert page.get_by_role("button", name="大字模式：开").get_attribute("aria-pressed") == "true"

    sign_in(page, "rider", PASSWORD)  # the account's own setting applies once signed in
    page.goto("/reports/")
    page.get_by_role("button", name="大字模式：关").click()
    page.wait_for_url("**/reports/")
    member.refresh_from_db()
    assert member.large_text is True
    other_device = open_page(PHONE)
    sign_in(other_device, "rider", PASSWORD)
    assert other_device.locator("html").get_attribute("class") == "large-text"
    check_accessibility(other_device)


@pytest.mark.parametrize("mode", ["normal", "large-text"])
def test_public_and_member_pages_fit_a_360px_phone(open_page, pages, member, mode):
    if mode == "large-text":
        member.large_text = True
        member.save()
    page = open_page(NARROW)
    sign_in(page, "rider", PASSWORD)
    problems = {}
    for path in pages["public"] + pages["member"]:
        page.goto(path)
        found = layout_problems(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_pages_reflow_at_200_percent_zoom(open_page, pages, member):
    """A 1366 px desktop window at 200 % zoom is 683 CSS px wide at twice the pixel density."""
    page = open_page({"width": 683, "height": 384}, device_scale_factor=2)
    sign_in(page, "rider", PASSWORD)
    problems = {}
    for path in pages["public"] + pages["member"]:
        page.goto(path)
        found = layout_problems(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_text_only_zoom_to_200_percent_cuts_nothing(open_page, pages, member):
    """Browsers' text-only zoom: the root font doubled (34 px) on a phone."""
    page = open_page(PHONE)
    sign_in(page, "rider", PASSWORD)
    problems = {}
    for path in pages["public"] + pages["member"]:
        page.goto(path)
        page.evaluate("document.documentElement.style.fontSize = '34px'")
        found = layout_problems(page)
        if found:
            problems[path] = found
    assert problems == {}, problems
    assert Activity.objects.count() == 1
