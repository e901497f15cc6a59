"""Foundation-level security: password rules, caching of personal pages, the admin's door."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from yangpu_portal.passwords import character_classes


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefghij", 1),
        ("abcdeFGHIJ", 2),
        ("abcdeFGH12", 3),
        ("abcDE12!@#", 4),
        ("密码abcDE12", 4),
    ],
)
def test_character_classes_are_counted(password, classes):
    assert character_classes(password) == classes


@pytest.mark.parametrize(
    "password",
    ["Short1!", "alllowercaseletters", "lowerandUPPERonly", "x" * 100 + "Aa1" + "y" * 30],
)
def test_weak_or_overlong_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_varied_password_is_accepted():
    validate_password("Riverside-Bridge-2026")


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_by_caches(client, member):
    anonymous = client.get(reverse("home"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(member)
    signed_in = client.get(reverse("home"))
    assert "no-store" in signed_in["Cache-Control"]
    assert "private" in signed_in["Cache-Control"]


@pytest.mark.django_db
def test_admin_sign_in_goes_through_the_portal_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_signed_in_non_staff_are_refused_by_the_admin(client, member):
    client.force_login(member)
    assert client.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_csp_forbids_base_and_frames(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
