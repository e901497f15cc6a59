"""`make screenshots`: PNGs of the key pages with the demo data, phone and desktop, into
docs/screenshots/. Not part of `make test` (marker `screenshots`)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from stations.models import Station
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from yangpu_portal.demo_data import DEMO_TOTP_SECRET

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEMO_PASSWORD = "Yangpu-demo-2026"

pytestmark = [
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pages():
    station = Station.objects.active().order_by("pk").first()
    return [
        ("home", None, "/"),
        ("stations", None, "/stations/"),
        ("station", None, f"/stations/{station.pk}/"),
        ("login", None, "/accounts/login/"),
        ("tree", "district", "/branches/"),
        ("roster", "wujiaochang", "/branches/members/"),
        ("console", "station", "/stations/console/"),
        ("activities", None, "/activities/"),
        ("reports", None, "/reports/"),
        ("passport", "rider", "/passport/"),
        ("report-form", "rider", "/reports/new/"),
        ("dashboard", "district", "/dashboard/"),
    ]


def test_key_pages(open_page, settings):
    settings.DEBUG = True  # seed_demo --with-demo-users refuses otherwise
    call_command("seed_demo", "--with-demo-users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    OUT.mkdir(parents=True, exist_ok=True)
    pages_by_user = {}
    for name, username, path in pages():
        pages_by_user.setdefault(username, []).append((name, path))
    for username, shots in pages_by_user.items():
        page = open_page(PHONE)
        if username:  # one sign-in per person: a two-factor code is accepted only once
            sign_in(page, username, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
            assert page.locator(".user-menu").count() == 1, f"{username} is not signed in"
        for name, path in shots:
            for label, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
                page.set_viewport_size(viewport)
                page.goto(path)
                page.screenshot(path=OUT / f"{name}-{label}.png", full_page=label == "phone")
                assert (OUT / f"{name}-{label}.png").stat().st_size > 10_000
