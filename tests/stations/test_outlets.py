"""Outlets (快递外卖网点): surveyed by full-time workers and organizers, never public."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Enterprise, OrganizerAssignment, OrganizerRole
from stations.actions import outlet_survey
from stations.models import Outlet
from tests.conftest import make_user

LIST = reverse("stations:outlet-list")
CREATE = reverse("stations:outlet-create")


@pytest.fixture
def worker(street_a):
    """A full-time party-mass worker (专职党群工作者) of street A."""
    user = make_user("worker")
    OrganizerAssignment.objects.create(user=user, role=OrganizerRole.WORKER, street=street_a)
    return user


def survey(*, street, enterprise, by, name="美团外卖国权路站", **fields):
    return outlet_survey(
        by=by,
        enterprise=enterprise,
        brand=fields.pop("brand", "美团外卖"),
        name=name,
        street=street,
        address=fields.pop("address", "国权路 39 号"),
        latitude=fields.pop("latitude", 31.2990),
        longitude=fields.pop("longitude", 121.5050),
        rider_count=fields.pop("rider_count", 40),
        **fields,
    )


@pytest.fixture
def outlet_a(street_a, enterprise, worker):
    return survey(street=street_a, enterprise=enterprise, by=worker)


@pytest.fixture
def outlet_b(street_b, db):
    sf = Enterprise.objects.create(name="顺丰速运", short_name="顺丰", sector="express")
    return survey(street=street_b, enterprise=sf, by=None, name="顺丰殷行营业部", latitude=31.32)


@pytest.mark.django_db
class TestVisibility:
    def test_district_sees_all(self, district_admin, outlet_a, outlet_b):
        assert set(Outlet.objects.visible_to(district_admin)) == {outlet_a, outlet_b}

    def test_street_people_see_their_street(self, worker, street_organizer, outlet_a, outlet_b):
        assert list(Outlet.objects.visible_to(worker)) == [outlet_a]
        assert list(Outlet.objects.visible_to(street_organizer)) == [outlet_a]

    def test_enterprise_organizer_sees_their_enterprises_outlets(
        self, enterprise_organizer, outlet_a, outlet_b
    ):
        assert list(Outlet.objects.visible_to(enterprise_organizer)) == [outlet_a]

    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor"])
    def test_nobody_else_sees_any(self, request, persona, outlet_a, outlet_b):
        assert not Outlet.objects.visible_to(request.getfixturevalue(persona)).exists()

    def test_anonymous_sees_none(self, outlet_a):
        assert not Outlet.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
class TestPages:
    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor"])
    def test_non_organizers_are_refused(self, client, as_persona, persona, outlet_a):
        as_persona(persona)
        assert client.get(LIST).status_code == 403
        assert client.get(CREATE).status_code == 403
        assert client.get(reverse("stations:outlet-edit", args=[outlet_a.pk])).status_code == 403

    def test_anonymous_goes_to_sign_in(self, client, outlet_a):
        assert client.get(LIST).status_code == 302
        assert client.get(CREATE).status_code == 302

    def test_outlets_are_on_no_public_page(self, client, outlet_a, station_a):
        response = client.get(reverse("stations:station-list"))
        assert "美团外卖国权路站" not in response.content.decode()
        assert "outlets" not in response.context["map_data"]

    def test_worker_lists_their_outlets_with_riders_and_a_map_layer(
        self, client, worker, outlet_a, outlet_b, station_a
    ):
        client.force_login(worker)
        response = client.get(LIST)
        html = response.content.decode()
        assert "美团外卖国权路站" in html and "顺丰殷行营业部" not in html
        assert response.context["riders"] == 40
        data = response.context["map_data"]
        assert [o["name"] for o in data["outlets"]] == ["美团外卖国权路站"]
        assert data["outlets"][0]["riders"] == 40
        assert [s["name"] for s in data["stations"]] == ["五角场HUI新屋"]

    def test_district_lists_every_outlet_also_those_without_a_surveyor(
        self, client, district_admin, outlet_a, outlet_b
    ):
        client.force_login(district_admin)
        html = client.get(LIST).content.decode()
        assert "美团外卖国权路站" in html and "顺丰殷行营业部" in html  # outlet_b: no surveyor
        assert "worker" in html

    def test_outsider_gets_404_for_another_streets_outlet(self, client, outsider, outlet_a):
        client.force_login(outsider)
        assert client.get(reverse("stations:outlet-edit", args=[outlet_a.pk])).status_code == 404

    def test_list_query_count_is_constant(
        self, client, worker, street_a, enterprise, django_assert_num_queries
    ):
        survey(street=street_a, enterprise=enterprise, by=worker, name="网点0")
        client.force_login(worker)
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for n in range(1, 20):
            survey(street=street_a, enterprise=enterprise, by=worker, name=f"网点{n}")
        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get(LIST)
        assert len(response.context["map_data"]["outlets"]) == 20


@pytest.mark.django_db
class TestSurvey:
    def form(self, street, enterprise, **overrides):
        return {
            "enterprise": enterprise.pk,
            "brand": "美团外卖",
            "name": "美团外卖政通路站",
            "street": street.pk,
            "address": "政通路 100 号",
            "latitude": "31.3050",
            "longitude": "121.5120",
            "rider_count": "25",
            "surveyed_at": "2026-11-20",
            "notes": "",
        } | overrides

    def test_worker_surveys_a_new_outlet(self, client, worker, street_a, enterprise):
        client.force_login(worker)
        response = client.post(CREATE, self.form(street_a, enterprise))
        assert response.status_code == 302
        outlet = Outlet.objects.get()
        assert (outlet.name, outlet.rider_count, outlet.surveyed_by) == (
            "美团外卖政通路站",
            25,
            worker,
        )
        assert outlet.surveyed_at == date(2026, 11, 20)

    def test_surveying_again_updates_the_figures(self, client, street_organizer, outlet_a):
        client.force_login(street_organizer)
        url = reverse("stations:outlet-edit", args=[outlet_a.pk])
        data = self.form(outlet_a.street, outlet_a.enterprise, name=outlet_a.name, rider_count=55)
        assert client.post(url, data).status_code == 302
        outlet_a.refresh_from_db()
        assert outlet_a.rider_count == 55 and outlet_a.surveyed_by == street_organizer
        assert Outlet.objects.count() == 1

    def test_coordinates_outside_shanghai_are_refused(self, client, worker, street_a, enterprise):
        client.force_login(worker)
        response = client.post(
            CREATE, self.form(street_a, enterprise, latitude="121.51", longitude="31.30")
        )
        assert response.status_code == 200
        assert "不在上海市范围内" in response.content.decode()
        assert not Outlet.objects.exists()

    def test_worker_can_only_choose_their_street(self, client, worker, street_b, enterprise):
        client.force_login(worker)
        response = client.post(CREATE, self.form(street_b, enterprise))
        assert response.status_code == 200 and not Outlet.objects.exists()

    def test_action_refuses_a_duplicate_name_in_a_street(self, outlet_a, worker):
        with pytest.raises(ValidationError):
            survey(street=outlet_a.street, enterprise=outlet_a.enterprise, by=worker)

    def test_survey_date_defaults_to_today(self, street_a, enterprise, worker):
        outlet = survey(street=street_a, enterprise=enterprise, by=worker, name="新网点")
        assert outlet.surveyed_at is not None
