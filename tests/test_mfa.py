"""Two-factor sign-in: required for district admins and the administrator roles."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.conftest import PASSWORD, TOTP_SECRET, make_user, totp_code, with_totp

ACTIVATE = reverse("mfa_activate_totp")
pytestmark = pytest.mark.django_db


def test_a_district_admin_without_an_authenticator_must_set_one_up_first(client, db):
    from django.contrib.auth.models import Group

    user = make_user("newadmin", is_staff=True)
    user.groups.add(Group.objects.get(name="district admin"))
    client.post(reverse("account_login"), {"login": "newadmin", "password": PASSWORD})
    response = client.get(reverse("branches:member-list"))
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    # Setting up an authenticator asks for the password again (allauth's reauthentication),
    # and the two-factor rule lets that page through.
    assert client.get(ACTIVATE)["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()  # the QR code to scan


def test_members_are_not_asked_for_two_factor(client, member):
    client.force_login(member)
    assert client.get(reverse("home")).status_code == 200


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client, district_admin):
    response = client.post(reverse("account_login"), {"login": "district", "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session
    client.post(response["Location"], {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post(response["Location"], {"code": totp_code(TOTP_SECRET)})
    assert client.session["_auth_user_id"] == str(district_admin.pk)


def test_the_required_authenticator_cannot_be_removed(client, auditor):
    stage = client.post(reverse("account_login"), {"login": "auditor", "password": PASSWORD})
    client.post(stage["Location"], {"code": totp_code(TOTP_SECRET)})
    assert client.session["_auth_user_id"] == str(auditor.pk)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=auditor, type="totp").exists()


def test_others_may_remove_their_optional_authenticator(client, member):
    with_totp(member)
    stage = client.post(reverse("account_login"), {"login": "rider", "password": PASSWORD})
    client.post(stage["Location"], {"code": totp_code(TOTP_SECRET)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=member, type="totp").exists()


def test_a_new_admin_changes_the_temporary_password_then_sets_up_two_factor(client, db):
    """The two rules take turns instead of sending each other round in circles."""
    from django.contrib.auth.models import Group

    user = make_user("freshadmin", is_staff=True, must_change_password=True)
    user.groups.add(Group.objects.get(name="district admin"))
    client.post(reverse("account_login"), {"login": "freshadmin", "password": PASSWORD})
    first = client.get(reverse("home"))
    assert first["Location"] == reverse("account_change_password")
    assert client.get(first["Location"]).status_code == 200
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Own-Bridge-2027", "password2": "Own-Bridge-2027"},
    )
    assert client.get(reverse("home"))["Location"] == ACTIVATE


def test_superusers_need_two_factor_too(client, db):
    make_user("root", is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": "root", "password": PASSWORD})
    assert client.get(reverse("home"))["Location"] == ACTIVATE
