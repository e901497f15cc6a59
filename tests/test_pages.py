"""Home, health, error pages, security headers and sign-in."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.conftest import PASSWORD, make_station

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_home_counts_what_is_public(client, station_a, station_b, street_a):
    make_station(street=street_a, name="关闭的站", is_active=False)
    response = client.get(reverse("home"))
    assert response.context["counters"]["stations"] == 2
    assert response.context["counters"]["streets"] == 2
    assert 'data-counter="stations">2<' in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable():
    """A real unreachable database (nothing listens on port 9), in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
        DATABASE_POOL_TIMEOUT="2",
    )
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip() == "503 b'unavailable\\n'", result.stderr[-2000:]


def test_server_error_page_shows_no_internals():
    response = server_error(RequestFactory().get("/boom"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务暂时不可用" in html
    assert "Traceback" not in html and "Exception" not in html


@pytest.mark.django_db
def test_not_found_page_is_friendly(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_strict_csp_and_no_inline_script(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html
    assert html.count("<script") == html.count("<script src=")


@pytest.mark.django_db
class TestSignIn:
    def test_sign_in_with_username_and_password(self, client, member):
        response = client.post(
            reverse("account_login"), {"login": "rider", "password": PASSWORD}, follow=True
        )
        assert response.context["user"].username == "rider"
        assert response.redirect_chain[-1][0] == reverse("home")

    def test_wrong_password_is_refused_with_a_message(self, client, member):
        response = client.post(reverse("account_login"), {"login": "rider", "password": "nope"})
        assert response.status_code == 200
        assert not response.context["user"].is_authenticated
        assert response.context["form"].errors

    def test_login_page_invites_only_the_phone_sign_up(self, client, db):
        # Issue 3: staff accounts are issued; workers may register with their phone.
        html = client.get(reverse("account_login")).content.decode()
        assert "账户由所在街道" in html
        assert "新就业群体用手机号注册" in html

    def test_open_sign_up_is_closed(self, client, db):
        from django.contrib.auth import get_user_model

        response = client.post(
            reverse("account_signup"),
            {
                "username": "newbie",
                "password1": "Some-Long-Pass-77",
                "password2": "Some-Long-Pass-77",
            },
        )
        assert not get_user_model().objects.filter(username="newbie").exists()
        assert response.status_code == 200

    def test_sign_out_is_a_post(self, client, member):
        client.force_login(member)
        client.post(reverse("account_logout"))
        assert "_auth_user_id" not in client.session

    def test_password_reset_mails_a_link(self, client, member):
        member.email = "rider@example.org"
        member.save()
        client.post(reverse("account_reset_password"), {"email": "rider@example.org"})
        assert len(mail.outbox) == 1
        assert "/accounts/password/reset/key/" in mail.outbox[0].body

    def test_password_change_requires_sign_in(self, client, db):
        response = client.get(reverse("account_change_password"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_favicon_ico_redirects_to_the_portal_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405


def test_text_size_switch_keeps_the_choice_and_only_goes_back_locally(client, member):
    response = client.post("/text-size/", {"large": "on", "next": "/stations/"})
    assert response.status_code == 302 and response["Location"] == "/stations/"
    assert 'class="large-text"' in client.get("/stations/").content.decode()  # the session
    client.force_login(member)
    client.post("/text-size/", {"large": "on", "next": "https://evil.example/"})
    member.refresh_from_db()
    assert member.large_text is True
    response = client.post("/text-size/", {"large": "off", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    member.refresh_from_db()
    assert member.large_text is False
