"""The headers check: every kind of page (public, signed in, the admin, a download) carries the
strict CSP and the other security headers; cookies and HSTS as production sets them; the
admin's pages, import-export's export page included, need nothing the CSP forbids."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.security.inline import inline_violations

ROOT = Path(__file__).resolve().parents[2]

REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = " ".join(values)
    return directives


def assert_secure_headers(response, *, signed_in: bool):
    policy = policy_of(response)
    for name, value in REQUIRED.items():
        assert policy.get(name) == value, (response.request["PATH_INFO"], name, policy.get(name))
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if signed_in:
        cache = response["Cache-Control"]
        assert "no-store" in cache and "private" in cache


@pytest.mark.django_db
def test_public_pages_send_the_security_headers(client, station_a):
    for url in [
        reverse("home"),
        reverse("stations:station-list"),
        reverse("stations:station-detail", args=[station_a.pk]),
        reverse("services:activity-list"),
        reverse("account_login"),
        "/no-such-page/",
    ]:
        response = client.get(url)
        assert_secure_headers(response, signed_in=False)
        assert not inline_violations(response.content.decode()), url


@pytest.mark.django_db
def test_signed_in_and_admin_pages_send_the_security_headers(
    client, street_organizer, district_admin, system_admin, station_a
):
    client.force_login(street_organizer)
    for url in [reverse("home"), reverse("branches:member-list"), reverse("stations:console")]:
        response = client.get(url)
        assert response.status_code == 200
        assert_secure_headers(response, signed_in=True)
    client.force_login(district_admin)
    for url in [
        reverse("admin:index"),
        reverse("admin:stations_station_changelist"),
        reverse("admin:stations_station_change", args=[station_a.pk]),
        reverse("admin:stations_station_import"),
        reverse("admin:stations_station_export"),
        reverse("admin:branches_organization_changelist"),
        reverse("admin:branches_member_add"),
        reverse("admin:branches_member_import"),
        reverse("admin:branches_organization_import"),
        reverse("admin:branches_member_export"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response, signed_in=True)
        assert inline_violations(response.content.decode()) == [], url
    client.force_login(system_admin)
    for url in [
        reverse("admin:yangpu_portal_user_changelist"),
        reverse("admin:yangpu_portal_user_add"),
        reverse("admin:auth_user_password_change", args=[district_admin.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_violations(response.content.decode()) == [], url


@pytest.mark.django_db
def test_new_pages_and_downloads_send_the_security_headers(request, client):
    """Issues 6, 8 and 9a: the member programs' pages and their downloads (the dashboard's CSV,
    "my data" as JSON, an aid document) carry the headers, and a signed-in download is never
    stored by a cache: it holds personal data."""
    from tests.security.world import build_world

    world = build_world(request)
    client.force_login(world.users["member"])
    for url in [
        reverse("services:passport"),
        reverse("services:aid-detail", args=[world.aid_application.pk]),
        reverse("services:my-data"),
        reverse("services:my-data-download"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response, signed_in=True)
    download = client.get(reverse("services:my-data-download"))
    assert download["Content-Disposition"].startswith("attachment")
    # An uploaded file has a stricter policy of its own: nothing runs, even opened inline.
    document = client.get(reverse("services:aid-attachment", args=[world.aid_attachment.pk]))
    assert document["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert document["X-Content-Type-Options"] == "nosniff"
    assert document["Content-Disposition"].startswith("attachment")
    assert "no-store" in document["Cache-Control"]
    client.force_login(world.users["district_admin"])
    for url in [
        reverse("dashboard"),
        reverse("dashboard-export", args=["members", "csv"]),
        reverse("services:aid-queue"),
        reverse("services:erasure-queue"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response, signed_in=True)


@pytest.mark.django_db
def test_the_export_page_binds_its_select_all_toggle_from_a_static_file(client, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("admin:stations_station_export")).content.decode()
    assert 'class="select-toggle"' in html and 'id="select-all-toggle"' in html
    assert "onchange=" not in html and "style=" not in html
    assert "js/admin-export-toggle.js" in html and "css/admin-export.css" in html
    script = (ROOT / "static/js/admin-export-toggle.js").read_text()
    assert "onSelectToggleChange" in script


@pytest.mark.django_db
def test_cookies_and_hsts_under_https(client, member, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    page = client.get(reverse("account_login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    client.post(reverse("account_login"), {"login": "rider", "password": PASSWORD}, secure=True)
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
    client.post(reverse("set_language"), {"language": "en"}, secure=True)
    language = client.cookies["django_language"]
    assert language["secure"] and language["httponly"] and language["samesite"] == "Lax"


def test_production_settings_turn_https_hsts_and_secure_cookies_on():
    """The real settings module as production reads it: DEBUG off, DJANGO_HTTPS unset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="portal.example")
    code = (
        "from yangpu_portal import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "same-origin",
        "DENY",
    ], result.stderr[-2000:]
