"""The station admin: hours, closures and staff inline; amenities and programs as checkboxes."""

import pytest
from django.urls import reverse

from stations.models import Station


def station_form(station, **overrides):
    data = {
        "name": station.name,
        "brand": station.brand,
        "kind": station.kind,
        "street": station.street_id,
        "address": station.address,
        "latitude": station.latitude,
        "longitude": station.longitude,
        "is_active": "on",
        "amenity_values": ["water", "charging"],
        "program_values": ["rest_stop"],
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "22:00",
        "hours-0-closes": "06:00",
        "hours-1-weekday": "1",
        "hours-1-all_day": "on",
        "closures-TOTAL_FORMS": "1",
        "closures-INITIAL_FORMS": "0",
        "closures-0-date": "2026-10-01",
        "closures-0-reason": "国庆",
        "staff-TOTAL_FORMS": "0",
        "staff-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_district_admin_edits_hours_features_and_closures(client, district_admin, station_a):
    client.force_login(district_admin)
    url = reverse("admin:stations_station_change", args=[station_a.pk])
    page = client.get(url).content.decode()
    assert "24小时开放" in page and "打气/维修" in page and "先锋护照" in page

    response = client.post(url, station_form(station_a))
    assert response.status_code == 302, response.context["errors"]
    station = Station.objects.with_features().get(pk=station_a.pk)
    assert station.amenities == ["water", "charging"]
    assert station.programs == ["rest_stop"]
    assert [h.label for h in station.hours.all()] == ["22:00-次日06:00", "24小时"]
    assert [(c.date.isoformat(), c.reason) for c in station.closures.all()] == [
        ("2026-10-01", "国庆")
    ]


@pytest.mark.django_db
def test_admin_refuses_a_shift_without_times(client, district_admin, station_a):
    client.force_login(district_admin)
    url = reverse("admin:stations_station_change", args=[station_a.pk])
    response = client.post(url, station_form(station_a, **{"hours-0-closes": ""}))
    assert response.status_code == 200
    assert "请填写开门和关门时间" in response.content.decode()
    assert not station_a.hours.exists()
