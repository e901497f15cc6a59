"""Issue 10: the whole-page cache (yangpu_portal/pagecache.py): who gets which copy, when a copy
is stale, and what is never kept (the CSRF token, one-time messages, another person's page)."""

import re
from unittest import mock

import pytest
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.session import SessionStorage
from django.urls import reverse

from audit.models import AuditEvent, Event
from stations.models import Station
from tests.conftest import make_member
from yangpu_portal import pagecache

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def state(response) -> str:
    return response.headers.get(pagecache.HEADER, "")


@pytest.fixture
def station_url(station_a):
    return reverse("stations:station-detail", args=[station_a.pk])


@pytest.mark.django_db
class TestAnonymousPages:
    def test_the_second_view_is_served_from_the_cache_with_the_same_page(self, client, station_url):
        first = client.get(station_url)
        second = client.get(station_url)
        assert (state(first), state(second)) == ("miss", "hit")
        strip = lambda r: TOKEN.sub("", r.content.decode())  # noqa: E731
        assert strip(first) == strip(second)
        assert "五角场HUI新屋" in second.content.decode()

    def test_each_visitor_gets_their_own_csrf_token_that_the_form_accepts(
        self, client_factory, station_url
    ):
        first, second = client_factory(), client_factory()
        first.get(station_url)
        hit = second.get(station_url)
        assert state(hit) == "hit"
        tokens = set(TOKEN.findall(hit.content.decode()))
        assert len(tokens) == 1
        assert "\x00" not in hit.content.decode()
        assert second.cookies.get("csrftoken"), "the hit sets the visitor's CSRF cookie"
        # The language switch in the page's header, posted with the token the hit carried.
        answer = second.post(
            reverse("set_language"),
            {"language": "en", "next": station_url, "csrfmiddlewaretoken": tokens.pop()},
        )
        assert answer.status_code == 302

    def test_languages_and_query_strings_are_kept_apart(self, client, station_url):
        client.get(station_url)
        english = client.get(station_url, headers={"accept-language": "en"})
        assert state(english) == "miss"
        first = client.get(station_url + "?x=1")
        assert state(first) == "miss"
        again = client.get(station_url + "?x=1")  # kept compressed, served whole
        assert state(again) == "hit"
        assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())

    def test_a_write_through_a_form_makes_every_page_stale(self, client, station_url):
        client.get(station_url)
        assert state(client.get(station_url)) == "hit"
        client.post(reverse("text-size"), {"large": "on", "next": station_url})
        again = client.get(station_url)
        assert state(again) == "miss"
        assert 'class="large-text"' in again.content.decode()

    def test_a_change_made_outside_a_request_shows_after_invalidate(
        self, client, station_a, station_url
    ):
        client.get(station_url)
        Station.objects.filter(pk=station_a.pk).update(name="新名字驿站")
        pagecache.invalidate()  # what the background import and the dashboard refresh call
        assert "新名字驿站" in client.get(station_url).content.decode()

    def test_the_stations_topic_retires_pages_too(self, client, station_url):
        from yangpu_portal import freshness

        client.get(station_url)
        freshness.bump(freshness.STATIONS)
        assert state(client.get(station_url)) == "miss"

    def test_only_successful_answers_are_kept(self, client):
        missing = reverse("stations:station-detail", args=[999_999])
        assert client.get(missing).status_code == 404
        assert state(client.get(missing)) == ""

    def test_a_page_with_one_time_messages_is_neither_served_nor_kept(
        self, client, station_url, member
    ):
        client.force_login(member)
        client.get(station_url)
        session = client.session
        # django.contrib.messages' session storage, as a redirect after a form leaves it.
        session["_messages"] = SessionStorage.serialize_messages(None, [Message(25, "已保存")])
        session.save()
        assert state(client.get(station_url)) == "", "rendered, not served from the cache"
        session = client.session
        del session["_messages"]
        session.save()
        assert state(client.get(station_url)) == "hit", "and not kept: the copy from before"

    def test_the_page_is_rendered_when_the_cache_is_down(self, client, station_url):
        with mock.patch.object(pagecache.freshness, "generations_with", side_effect=OSError):
            response = client.get(station_url)
        assert response.status_code == 200
        assert "五角场HUI新屋" in response.content.decode()

    def test_off_when_the_setting_is_zero(self, client, station_url, settings):
        settings.PAGE_CACHE_SECONDS = 0
        client.get(station_url)
        assert state(client.get(station_url)) == ""


@pytest.mark.django_db
class TestSignedInPages:
    def test_a_signed_in_person_never_gets_the_anonymous_copy(self, client, station_url, member):
        client.get(station_url)
        client.force_login(member)
        page = client.get(station_url)
        assert state(page) == "miss"
        assert "rider" in page.content.decode()

    def test_two_organizers_get_their_own_roster(
        self, client_factory, street_organizer, outsider, street_a, street_b
    ):
        make_member(street=street_a, name="五角场成员")
        make_member(street=street_b, name="殷行成员")
        url = reverse("branches:member-list")
        a, b = client_factory(), client_factory()
        a.force_login(street_organizer)
        b.force_login(outsider)
        a.get(url)
        assert state(a.get(url)) == "hit"
        page_b = b.get(url)
        assert state(page_b) == "miss"
        assert "殷行成员" in page_b.content.decode()
        assert "五角场成员" not in page_b.content.decode()

    def test_access_is_checked_before_the_cache(self, client_factory, street_organizer, member):
        url = reverse("branches:member-list")
        organizer, rider = client_factory(), client_factory()
        organizer.force_login(street_organizer)
        organizer.get(url)
        rider.force_login(member)
        assert rider.get(url).status_code == 403

    def test_a_member_page_from_the_cache_is_audited_like_a_rendered_one(
        self, client, street_organizer, street_a
    ):
        shown = make_member(street=street_a)
        client.force_login(street_organizer)
        url = reverse("branches:member-detail", args=[shown.pk])
        states = [state(client.get(url)) for _ in range(3)]
        assert states == ["miss", "hit", "hit"]
        reveals = AuditEvent.objects.filter(event=Event.PHONE_REVEAL)
        assert reveals.count() == 3
        assert {tuple(r.detail["members"]) for r in reveals} == {(shown.pk,)}


@pytest.fixture
def client_factory():
    from django.test import Client

    return lambda: Client(enforce_csrf_checks=True)


CACHED_PAGES = [
    ("home", []),
    ("stations:station-list", []),
    ("services:activity-list", []),
    ("services:report-list", []),
    ("branches:member-list", []),
    ("services:compliance-board", []),
    ("services:report-triage", []),
    ("services:passport", []),
    ("dashboard", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "anonymous",
        "member",
        "street_organizer",
        "outsider",
        "station_staff",
        "district_admin",
        "auditor",
    ],
)
def test_every_persona_gets_from_the_cache_what_the_view_renders_for_them(
    client, as_persona, persona, settings, station_a, street_a
):
    """The copy served on a hit is the page the view renders for that person at that moment
    (the CSRF token aside), and a refusal stays a refusal."""
    make_member(street=street_a, name="名册成员")
    as_persona(persona)
    for name, args in [*CACHED_PAGES, ("stations:station-detail", [station_a.pk])]:
        url = reverse(name, args=args)
        settings.PAGE_CACHE_SECONDS = 0
        fresh = client.get(url)
        settings.PAGE_CACHE_SECONDS = 60
        client.get(url)
        served = client.get(url)
        assert served.status_code == fresh.status_code, url
        if fresh.status_code == 200:
            assert state(served) == "hit", url
            assert TOKEN.sub("", served.content.decode()) == TOKEN.sub(
                "", fresh.content.decode()
            ), url


def test_the_redis_backend_reuses_one_client_and_still_works():
    """yangpu_portal.redis_cache: one redis.Redis per pool instead of one per operation. Needs
    the Redis server the machine runs (the production shape); skipped where none answers."""
    import redis

    from yangpu_portal.redis_cache import RedisCache

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    backend = RedisCache(url, {"KEY_PREFIX": "pagecache-test"})
    backend.set("k", {"a": 1}, 30)
    assert backend.get("k") == {"a": 1}
    assert backend.get_many(["k", "missing"]) == {"k": {"a": 1}}
    assert backend._cache.get_client() is backend._cache.get_client(write=True)
    backend.delete("k")
    assert backend.get("k") is None


# --- The signed-in person from the cache (yangpu_portal/usercache.py) ----------------------------


def user_queries(queries) -> list[str]:
    """The SQL that loads the user or their roles (the roles query selects from the user table
    too); the database cache's own reads are left out."""
    return [q["sql"] for q in queries if '"yangpu_portal_user"' in q["sql"]]


@pytest.mark.django_db
class TestSignedInUserFromTheCache:
    def test_after_the_first_request_the_user_and_roles_come_from_the_cache(self, client, member):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(member)
        url = reverse("services:passport")
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert state(page) == "hit"
        assert user_queries(queries) == []
        assert "rider" in page.content.decode()
        cache_reads = [q for q in queries if q["sql"].startswith('SELECT "cache_key"')]
        assert len(cache_reads) == 1, "the user and the page in one read"

    def test_a_password_changed_elsewhere_signs_the_session_out(self, client, member):
        client.force_login(member)
        url = reverse("services:passport")
        client.get(url)
        member.set_password("Another-password-2026")
        member.save()
        pagecache.invalidate()  # what the POST that changed it does on its way out
        answer = client.get(url)
        assert answer.status_code == 302
        assert reverse("account_login") in answer["Location"]

    def test_a_deactivated_account_is_signed_out(self, client, member):
        from django.contrib.auth import get_user_model

        client.force_login(member)
        url = reverse("services:passport")
        client.get(url)
        get_user_model().objects.filter(pk=member.pk).update(is_active=False)
        pagecache.invalidate()
        assert client.get(url).status_code == 302

    def test_a_session_whose_hash_does_not_match_the_copy_is_not_trusted(self, client, member):
        from django.contrib.auth import HASH_SESSION_KEY

        client.force_login(member)
        url = reverse("services:passport")
        client.get(url)
        session = client.session
        session[HASH_SESSION_KEY] = "0" * 64
        session.save()
        assert client.get(url).status_code == 302, "Django's check flushes the session"

    def test_new_roles_show_after_the_write_that_gave_them(self, client, member, street_a):
        from branches.models import OrganizerAssignment, OrganizerRole

        client.force_login(member)
        client.get(reverse("home"))
        OrganizerAssignment.objects.create(user=member, role=OrganizerRole.STREET, street=street_a)
        pagecache.invalidate()
        assert reverse("branches:member-list") in client.get(reverse("home")).content.decode()

    def test_a_write_loads_the_user_from_the_database(self, client, member):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(member)
        client.get(reverse("services:passport"))
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse("text-size"), {"large": "on", "next": "/"})
        loads = [q for q in queries if q["sql"].startswith("SELECT") and '"password"' in q["sql"]]
        assert loads, "the POST read the user row, not the cached copy"

    def test_the_user_is_loaded_from_the_database_when_the_cache_is_down(self, client, member):
        client.force_login(member)
        with mock.patch.object(pagecache.freshness, "generations_with", side_effect=OSError):
            page = client.get(reverse("services:passport"))
        assert page.status_code == 200
        assert "rider" in page.content.decode()
