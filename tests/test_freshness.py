"""Cached figures are replaced as soon as an action changes what they count (issue 10)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services import actions
from tests.services.conftest import make_activity
from yangpu_portal import freshness

pytestmark = pytest.mark.django_db


def test_cached_value_is_reused_until_its_topic_is_bumped():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert freshness.cached(("t",), "k", build) == 1
    assert freshness.cached(("t",), "k", build) == 1
    freshness.bump("t")
    assert freshness.cached(("t",), "k", build) == 2
    assert freshness.cached(("other",), "k", build) == 3  # another topic, another entry


def test_board_shows_new_minutes_at_once(client, district_admin, rider_branch, station_a):
    client.force_login(district_admin)
    url = reverse("services:compliance-board")
    assert "data-branch" in client.get(url).content.decode()  # now cached
    start = timezone.now() - timedelta(hours=2)
    meeting = make_activity(by=district_admin, host=rider_branch, station=station_a, start=start)
    before = client.get(url).content.decode()
    actions.minutes_save(
        activity=meeting, by=district_admin, chair="甲", recorder="乙", topic="议题", content="内容"
    )
    after = client.get(url).content.decode()
    assert after != before
    assert f'href="{reverse("services:minutes", args=[meeting.pk])}"' in after


def test_a_cache_outside_the_database_is_bumped_again_on_commit(
    settings, django_capture_on_commit_callbacks
):
    # Django's setting_changed handler rebuilds the cache handlers for the new CACHES.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    before = freshness.generations("t")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        freshness.bump("t")
    assert len(callbacks) == 1
    assert freshness.generations("t") != before
