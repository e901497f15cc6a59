"""A station's page and console list its upcoming activities through the activity provider."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_station_page_lists_upcoming_public_activities(client, public_activity, station_a):
    html = client.get(reverse("stations:station-detail", args=[station_a.pk])).content.decode()
    assert public_activity.title in html
    assert reverse("services:activity-detail", args=[public_activity.pk]) in html


def test_members_only_meetings_stay_off_the_public_page(client, meeting, station_a):
    html = client.get(reverse("stations:station-detail", args=[station_a.pk])).content.decode()
    assert meeting.title not in html


def test_the_console_lists_the_stations_activities(
    client, station_staff, public_activity, station_a
):
    client.force_login(station_staff)
    html = client.get(reverse("stations:console-station", args=[station_a.pk])).content.decode()
    assert public_activity.title in html
