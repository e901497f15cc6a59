"""Workers' self-registration by phone (issue 3): sign-up, verification code, roster link."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from branches.actions import member_create
from branches.models import Member, PoliticalStatus
from tests.conftest import PASSWORD, make_user

User = get_user_model()
SIGNUP = "/accounts/signup/"
VERIFY = "/accounts/phone/verify/"
WORKER_PASSWORD = "Rider-Pass-2026"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False


def signup_data(street, phone="139 1234 5678", **extra):
    return {
        "phone": phone,
        "name": "王小骑",
        "gender": "male",
        "occupation": "rider",
        "street": street.pk,
        "password1": WORKER_PASSWORD,
        "password2": WORKER_PASSWORD,
        "privacy_consent": "on",  # issue 9: the privacy notice is accepted at registration
        **extra,
    }


def sent_code(caplog, phone="13912345678") -> str:
    texts = [r.getMessage() for r in caplog.records if r.name == "yangpu_portal.sms"]
    assert texts, "no SMS was written by the console sender"
    assert phone in texts[-1]
    return re.search(r"验证码是 (\S+)，", texts[-1]).group(1)


def sign_up(client, caplog, street, **kw):
    with caplog.at_level(logging.INFO, logger="yangpu_portal.sms"):
        response = client.post(SIGNUP, signup_data(street, **kw))
    return response


@pytest.mark.django_db
def test_signup_page_asks_for_phone_and_street_not_username(client, street_a):
    response = client.get(SIGNUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="phone"' in html and 'name="street"' in html and street_a.name in html
    assert 'name="username"' not in html and 'name="email"' not in html


@pytest.mark.django_db
def test_phone_signup_happy_path_creates_masses_member(client, caplog, street_a):
    response = sign_up(client, caplog, street_a)
    assert response.status_code == 302 and response["Location"] == VERIFY
    user = User.objects.get(phone="13912345678")
    assert user.phone_verified is False and user.has_usable_password()
    assert re.fullmatch(r"w[0-9a-f]{10}", user.username)
    assert not Member.objects.filter(phone="13912345678").exists()  # nothing before the code

    code = sent_code(caplog)
    assert re.fullmatch(r"\d{6}", code)  # six digits, as SMS codes are
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.phone_verified is True
    member = Member.objects.get(phone="13912345678")
    assert member.user == user and member.name == "王小骑" and member.street == street_a
    assert member.political_status == PoliticalStatus.MASSES and member.organization is None
    assert user.get_full_name() == "王小骑"
    assert client.get(reverse("home")).wsgi_request.user == user

    # Later: signs in with the phone and password, or with a code.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "13912345678", "password": WORKER_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == user


@pytest.mark.django_db
def test_wrong_code_is_refused(client, caplog, street_a):
    sign_up(client, caplog, street_a)
    code = sent_code(caplog)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    user = User.objects.get(phone="13912345678")
    assert user.phone_verified is False
    assert not Member.objects.filter(phone="13912345678").exists()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_existing_roster_phone_is_linked_after_verification(
    client, caplog, street_a, street_b, committee_a
):
    member = member_create(
        phone="13912345678",
        name="李骑手",
        gender="female",
        occupation="courier",
        street=street_a,
        organization=committee_a,
        political_status=PoliticalStatus.FULL,
    )
    sign_up(client, caplog, street_b)  # the form's answers do not overwrite the roster
    member.refresh_from_db()
    assert member.user is None
    client.post(VERIFY, {"code": sent_code(caplog)})
    member.refresh_from_db()
    user = User.objects.get(phone="13912345678")
    assert member.user == user
    assert member.name == "李骑手" and member.street == street_a
    assert member.political_status == PoliticalStatus.FULL
    assert Member.objects.filter(phone="13912345678").count() == 1


@pytest.mark.django_db
def test_phone_of_member_with_an_account_is_refused(client, caplog, street_a):
    staff = make_user("linked")
    member_create(
        phone="13912345678", name="已绑定", gender="male", occupation="rider", street=street_a
    )
    Member.objects.filter(phone="13912345678").update(user=staff)
    users = User.objects.count()
    response = sign_up(client, caplog, street_a)
    assert response.status_code == 200
    assert "该手机号已绑定账户" in response.content.decode()
    assert User.objects.count() == users
    assert not [r for r in caplog.records if r.name == "yangpu_portal.sms"]


@pytest.mark.django_db
def test_phone_of_verified_account_is_refused(client, caplog, street_a):
    make_user("w1", phone="13912345678", phone_verified=True)
    response = sign_up(client, caplog, street_a)
    assert response.status_code == 200
    assert "该手机号已绑定账户" in response.content.decode()
    assert User.objects.filter(phone="13912345678").count() == 1


@pytest.mark.django_db
def test_abandoned_unverified_signup_is_replaced(client, caplog, street_a):
    old = make_user("w0", phone="13912345678", phone_verified=False)
    response = sign_up(client, caplog, street_a)
    assert response.status_code == 302
    assert not User.objects.filter(pk=old.pk).exists()
    assert User.objects.get(phone="13912345678").username != "w0"


@pytest.mark.django_db
def test_bad_phone_is_a_clear_error_and_writes_nothing(client, caplog, street_a):
    users = User.objects.count()
    response = sign_up(client, caplog, street_a, phone="12345")
    assert response.status_code == 200
    assert "请输入 11 位手机号码" in response.content.decode()
    assert User.objects.count() == users


@pytest.mark.django_db
def test_username_or_email_signup_stays_closed(client, street_a):
    # No phone: refused. A username in the form is ignored (it is generated).
    users = User.objects.count()
    response = client.post(
        SIGNUP,
        {
            "username": "mallory",
            "email": "m@example.com",
            "password1": WORKER_PASSWORD,
            "password2": WORKER_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert User.objects.count() == users
    assert not User.objects.filter(username="mallory").exists()
    assert "phone" in response.context["form"].errors


@pytest.mark.django_db
def test_chosen_username_is_ignored(client, caplog, street_a):
    sign_up(client, caplog, street_a, username="district")
    user = User.objects.get(phone="13912345678")
    assert user.username != "district" and user.username.startswith("w")


@pytest.mark.django_db
def test_staff_username_sign_in_unaffected(client):
    user = make_user("station-staff")
    response = client.post(
        reverse("account_login"), {"login": "station-staff", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == user
    user.refresh_from_db()
    assert user.phone is None


@pytest.mark.django_db
def test_login_by_code_for_a_verified_worker(client, caplog, street_a):
    user = make_user("w2", phone="13912345678", phone_verified=True)
    with caplog.at_level(logging.INFO, logger="yangpu_portal.sms"):
        response = client.post(reverse("account_request_login_code"), {"phone": "13912345678"})
    assert response.status_code == 302
    response = client.post(reverse("account_confirm_login_code"), {"code": sent_code(caplog)})
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == user


@pytest.mark.django_db
def test_signed_in_user_is_sent_away_from_signup(client):
    user = make_user("someone")
    client.force_login(user)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert User.objects.count() == 1
