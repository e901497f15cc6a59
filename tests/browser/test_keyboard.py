"""Keyboard only (issue 11): every form the journeys use can be reached and completed with the
keyboard, focus is visible on every control, and form errors are announced (`role=alert`) and
tied to their fields (a link to the field, `aria-invalid`, `aria-describedby`)."""

import datetime

import pytest
from django.utils import timezone

from services.actions import signup_create
from services.models import Attendance, Audience
from stations.actions import Shift, station_hours_set
from stations.models import CheckIn
from tests.browser.conftest import PHONE, check_accessibility, sign_in
from tests.conftest import PASSWORD
from tests.services.conftest import make_activity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Marks every control of the form, then reports what each Tab press focused and whether the
# focus can be seen (an outline or a box shadow that the unfocused control lacks).
MARK_CONTROLS = """sel => {
    const form = document.querySelector(sel);
    const controls = [...form.querySelectorAll('input, select, textarea, button')].filter(
        e => e.type !== 'hidden' && !e.disabled && e.getClientRects().length > 0);
    const groups = {};
    controls.forEach((e, i) => {
        // A radio group is one tab stop: any of its buttons counts for the group.
        const key = e.type === 'radio' ? 'radio:' + e.name : 'control:' + i;
        e.dataset.kb = key;
        groups[key] = e.name || e.id || e.textContent.trim();
    });
    return groups;
}"""
FOCUSED = """() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {key: e.dataset.kb || null, visible: outline || s.boxShadow !== 'none'};
}"""


def tab_through(page, form_selector: str, limit: int = 120) -> None:
    """Press Tab from the top of the page until every control of the form had the focus;
    each must show it."""
    wanted = page.evaluate(MARK_CONTROLS, form_selector)
    assert wanted, f"no controls in {form_selector}"
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    reached, unseen = set(), []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["key"] in wanted:
            reached.add(focused["key"])
            if not focused["visible"]:
                unseen.append(wanted[focused["key"]])
        if reached == set(wanted):
            break
    assert not set(wanted) - reached, [wanted[k] for k in set(wanted) - reached]
    assert unseen == [], f"focus not visible on {unseen}"


def errors_are_announced_and_linked(page) -> None:
    alert = page.locator(".form-errors[role=alert]")
    assert alert.is_visible()
    links = alert.locator("a[href^='#']")
    assert links.count() >= 1
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")[1:]
        field = page.locator(f"[id='{target}']")
        assert field.get_attribute("aria-invalid") == "true", target
        described = (field.get_attribute("aria-describedby") or "").split()
        error_ids = [d for d in described if d.endswith("_error")]
        assert error_ids, f"{target} is not described by its error"
        assert page.locator(f"[id='{error_ids[0]}']").inner_text().strip()
    # Following the first link with the keyboard puts the focus in its field.
    first = links.first
    target = first.get_attribute("href")[1:]
    first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == target


def submit_by_keyboard(page, form_selector: str) -> None:
    """Skip the browser's own required-field bubbles (as a browser without them would), focus
    the form's submit button and press Enter."""
    page.evaluate("sel => { document.querySelector(sel).noValidate = true; }", form_selector)
    page.locator(f"{form_selector} [type=submit]").last.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_rider_checks_in_and_reports_by_keyboard_only(open_page, member, station_a):
    station_hours_set(station=station_a, shifts=[Shift(weekday=d, all_day=True) for d in range(7)])
    page = open_page(PHONE)
    sign_in(page, "rider", PASSWORD)

    page.goto("/stations/")
    tab_through(page, "main form")

    page.goto(f"/s/{station_a.code}/")
    tab_through(page, "main form")
    for box in page.locator("main form input[type=checkbox]").all():  # a consent, if asked
        box.focus()
        page.keyboard.press("Space")
    page.locator("main form [type=submit]").last.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert CheckIn.objects.filter(member__user=member, station=station_a).count() == 1

    page.goto("/reports/new/")
    tab_through(page, "main form[method=post]")
    submit_by_keyboard(page, "main form[method=post]")
    errors_are_announced_and_linked(page)
    check_accessibility(page)


def test_station_staff_schedule_an_activity_by_keyboard_only(
    open_page, station_staff, station_a, rider_branch, member
):
    page = open_page(PHONE)
    sign_in(page, "station", PASSWORD)
    page.goto("/activities/new/")
    tab_through(page, "main form[method=post]")
    submit_by_keyboard(page, "main form[method=post]")
    errors_are_announced_and_linked(page)
    check_accessibility(page)

    activity = make_activity(
        by=station_staff,
        host=rider_branch,
        station=station_a,
        start=timezone.now() + datetime.timedelta(hours=1),
        audience=Audience.PUBLIC,
    )
    signup_create(activity=activity, by=member)
    page.goto(f"/activities/{activity.pk}/attendance/")
    tab_through(page, "main form[method=post]")
    page.locator(f"tr[data-member='{member.member.pk}'] input[value=present]").focus()
    page.keyboard.press("Space")
    page.locator("main form[method=post] [type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    attendance = Attendance.objects.get(activity=activity, member__user=member)
    assert attendance.status == "present"
