"""Foundation-level security: password rules, caching of personal pages, the admin's door."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import PASSWORD
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


@pytest.mark.django_db
class TestLockout:
    def attempt(self, client, password, ip="198.51.100.7"):
        return client.post(
            reverse("account_login"),
            {"login": "rider", "password": password},
            REMOTE_ADDR=ip,
        )

    def test_five_failures_lock_the_account_even_for_the_right_password(self, client, member):
        from audit.models import AuditEvent, Event

        for _ in range(5):
            self.attempt(client, "Wrong-Pass-000")
        response = self.attempt(client, PASSWORD)
        assert "_auth_user_id" not in client.session
        assert "已暂时锁定 30 分钟" in response.content.decode()
        [lock] = AuditEvent.objects.filter(event=Event.LOCKOUT)
        assert (lock.actor_username, lock.client_ip) == ("rider", "198.51.100.7")

    def test_the_lock_holds_for_that_address_only(self, client, member):
        for _ in range(5):
            self.attempt(client, "Wrong-Pass-000", ip="198.51.100.7")
        self.attempt(client, PASSWORD, ip="203.0.113.9")
        assert client.session["_auth_user_id"] == str(member.pk)

    def test_four_failures_do_not_lock_and_success_starts_afresh(self, client, member):
        for _ in range(4):
            self.attempt(client, "Wrong-Pass-000")
        self.attempt(client, PASSWORD)
        assert client.session["_auth_user_id"] == str(member.pk)
        client.logout()
        for _ in range(4):
            self.attempt(client, "Wrong-Pass-000")
        self.attempt(client, PASSWORD)
        assert client.session["_auth_user_id"] == str(member.pk)

    def test_the_admin_has_no_sign_in_of_its_own_to_brute_force(self, client, district_admin):
        response = client.post("/admin/login/", {"username": "district", "password": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def sign_in(client, username, password=PASSWORD):
    client.post(reverse("account_login"), {"login": username, "password": password})
    return "_auth_user_id" in client.session


def age_session(client, **seconds_ago):
    import time

    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


@pytest.mark.django_db
class TestSessions:
    def test_staff_are_signed_out_after_30_idle_minutes(self, client, street_organizer):
        assert sign_in(client, "wujiaochang")
        client.get(reverse("home"))
        age_session(client, _portal_seen=31 * 60)
        response = client.get(reverse("branches:member-list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session

    def test_an_active_staff_session_lives_on(self, client, street_organizer):
        assert sign_in(client, "wujiaochang")
        age_session(client, _portal_seen=29 * 60)
        assert client.get(reverse("branches:member-list")).status_code == 200

    def test_members_are_not_held_to_the_idle_rule(self, client, member):
        assert sign_in(client, "rider")
        age_session(client, _portal_seen=3 * 60 * 60)
        client.get(reverse("home"))
        assert "_auth_user_id" in client.session

    def test_every_session_ends_after_12_hours(self, client, member):
        assert sign_in(client, "rider")
        age_session(client, _portal_started=12 * 60 * 60 + 1)
        client.get(reverse("home"))
        assert "_auth_user_id" not in client.session

    def test_signing_out_ends_the_other_sessions_too(self, client, member):
        from django.test import Client

        phone = Client()
        assert sign_in(client, "rider") and sign_in(phone, "rider")
        client.post(reverse("account_logout"))
        response = phone.get(reverse("account_change_password"))
        assert response.status_code == 302  # the phone is signed out as well

    def test_a_password_change_ends_the_other_sessions(self, client, member):
        from django.test import Client

        phone = Client()
        assert sign_in(client, "rider") and sign_in(phone, "rider")
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "New-Bridge-2027",
                "password2": "New-Bridge-2027",
            },
        )
        assert client.get(reverse("account_change_password")).status_code == 200
        assert phone.get(reverse("account_change_password")).status_code == 302

    def test_a_deactivated_account_is_signed_out_at_once(self, client, member):
        assert sign_in(client, "rider")
        member.is_active = False
        member.save()
        assert client.get(reverse("account_change_password")).status_code == 302


@pytest.mark.django_db
class TestPasswordChangeRequired:
    def test_an_admin_made_account_must_set_its_own_password_first(self, client, member):
        member.must_change_password = True
        member.save()
        assert sign_in(client, "rider")
        response = client.get(reverse("home"))
        assert response["Location"] == reverse("account_change_password")
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "Own-Bridge-2027",
                "password2": "Own-Bridge-2027",
            },
        )
        member.refresh_from_db()
        assert member.must_change_password is False
        assert client.get(reverse("home")).status_code == 200

    def test_staff_passwords_expire_after_90_days(self, client, street_organizer):
        from datetime import timedelta

        from django.utils import timezone

        street_organizer.password_changed_at = timezone.now() - timedelta(days=91)
        street_organizer.save()
        assert sign_in(client, "wujiaochang")
        response = client.get(reverse("branches:member-list"))
        assert response["Location"] == reverse("account_change_password")

    def test_members_passwords_do_not_expire(self, client, member):
        from datetime import timedelta

        from django.utils import timezone

        member.password_changed_at = timezone.now() - timedelta(days=400)
        member.save()
        assert sign_in(client, "rider")
        assert client.get(reverse("home")).status_code == 200

    def test_admin_created_accounts_get_a_temporary_password(self, client, system_admin):
        from yangpu_portal.models import User

        client.force_login(system_admin)
        client.post(
            "/admin/yangpu_portal/user/add/",
            {
                "username": "newstaff",
                "password1": "Temp-Pass-2026x",
                "password2": "Temp-Pass-2026x",
                "usable_password": "true",
            },
        )
        assert User.objects.get(username="newstaff").must_change_password is True


@pytest.mark.django_db
def test_a_password_change_must_change_the_password(client, member):
    client.force_login(member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "新密码不能与当前密码相同" in response.content.decode()


@pytest.mark.django_db
def test_the_lockout_window_is_15_minutes_on_the_database_cache(member):
    from django.core.cache import cache

    from yangpu_portal import lockout

    lockout.register_failure("rider", "198.51.100.7")
    key = lockout._key("failures", "rider", "198.51.100.7")
    table = cache._table if hasattr(cache, "_table") else None
    if table is None:
        pytest.skip("not the database cache")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [cache.make_key(key)])  # noqa: S608
        (expires,) = cursor.fetchone()
    from django.utils import timezone

    if isinstance(expires, str):
        from django.utils.dateparse import parse_datetime

        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, timezone.UTC)
    assert (expires - timezone.now()).total_seconds() > 14 * 60
