"""Activity visibility by audience and scope, and the database's own guards."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from services.models import Activity, ActivityStatus, Audience
from tests.services.conftest import make_activity

pytestmark = pytest.mark.django_db


def test_organization_activity_is_listed_for_its_members_only(meeting, member, worker, outsider):
    assert Activity.objects.for_audience(member).filter(pk=meeting.pk).exists()
    assert not Activity.objects.for_audience(worker).filter(pk=meeting.pk).exists()
    assert not Activity.objects.for_audience(AnonymousUser()).exists()
    assert not Activity.objects.listed_for(outsider).filter(pk=meeting.pk).exists()


def test_members_of_sub_organizations_see_a_committee_activity(
    enterprise_organizer, enterprise_committee, member
):
    activity = make_activity(by=enterprise_organizer, host=enterprise_committee)
    assert Activity.objects.for_audience(member).filter(pk=activity.pk).exists()


def test_public_activity_is_listed_for_anonymous(public_activity):
    assert list(Activity.objects.for_audience(AnonymousUser())) == [public_activity]


def test_drafts_are_listed_only_for_managers(enterprise_organizer, rider_branch, member):
    draft = make_activity(by=enterprise_organizer, host=rider_branch, publish=False)
    assert draft.status == ActivityStatus.DRAFT
    assert not Activity.objects.listed_for(member).filter(pk=draft.pk).exists()
    assert Activity.objects.listed_for(enterprise_organizer).filter(pk=draft.pk).exists()


def test_visible_to_follows_scope(
    meeting, enterprise_organizer, street_organizer, station_staff, outsider, district_admin
):
    # Held at station A: the street organizer and the station's staff manage it too.
    for user in (enterprise_organizer, street_organizer, station_staff, district_admin):
        assert Activity.objects.visible_to(user).filter(pk=meeting.pk).exists(), user
    assert not Activity.objects.visible_to(outsider).exists()


def test_party_audience_excludes_non_party_workers(
    enterprise_organizer, rider_branch, member, worker
):
    activity = make_activity(by=enterprise_organizer, host=rider_branch, audience=Audience.PARTY)
    assert Activity.objects.for_audience(member).filter(pk=activity.pk).exists()
    assert not Activity.objects.for_audience(worker).exists()


def test_database_refuses_two_venues_and_backwards_times(meeting, station_a):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Activity.objects.filter(pk=meeting.pk).update(address="另一个地址")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Activity.objects.filter(pk=meeting.pk).update(end=meeting.start - timedelta(hours=1))


def test_station_querysets_for_the_console(meeting, station_a, enterprise_organizer, rider_branch):
    make_activity(
        by=enterprise_organizer,
        host=rider_branch,
        station=station_a,
        start=timezone.now() - timedelta(days=3),
    )
    assert list(Activity.objects.at_station(station_a).upcoming()) == [meeting]
