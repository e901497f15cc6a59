"""Contact visits to stations and outlets (issue 3): the action, the form page, and how the
branches visit list and coverage view show them (through settings.BRANCHES_PLACE_VISITS)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from branches.actions import visit_create
from branches.models import ContactVisit, OrganizerAssignment, VisitTarget
from stations.actions import place_visit_create
from stations.models import Outlet, PlaceVisit
from tests.branches.conftest import queries_of
from tests.conftest import make_station, make_user

NEW = reverse("stations:place-visit-create")
LIST = reverse("branches:visit-list")
COVERAGE = reverse("branches:visit-coverage")
TODAY = datetime.date.today()


@pytest.fixture
def worker(street_a):
    user = make_user("worker")
    OrganizerAssignment.objects.create(user=user, role="worker", street=street_a)
    return user


def make_outlet(*, street, enterprise, name="美团五角场站"):
    return Outlet.objects.create(
        enterprise=enterprise,
        name=name,
        street=street,
        address="国定路1号",
        latitude=31.30,
        longitude=121.51,
        rider_count=40,
        surveyed_at=TODAY,
    )


@pytest.mark.django_db
class TestAction:
    def test_station_visit_is_a_place_visit_in_the_stations_street(
        self, worker, station_b, street_b
    ):
        place = place_visit_create(
            by=worker, visited_on=TODAY, notes="查看休息区", station=station_b
        )
        visit = ContactVisit.objects.get()
        assert visit.target_kind == VisitTarget.PLACE and visit.street == street_b
        assert place.visit == visit and place.station == station_b and place.outlet is None

    def test_exactly_one_place_and_nothing_half_written(
        self, worker, station_a, street_a, enterprise
    ):
        outlet = make_outlet(street=street_a, enterprise=enterprise)
        for places in ({}, {"station": station_a, "outlet": outlet}):
            with pytest.raises(ValidationError):
                place_visit_create(by=worker, visited_on=TODAY, notes="n", **places)
        with pytest.raises(ValidationError):  # a future date, refused by branches' action
            place_visit_create(
                by=worker, visited_on=TODAY + datetime.timedelta(days=1), notes="n", outlet=outlet
            )
        assert ContactVisit.objects.count() == 0 and PlaceVisit.objects.count() == 0

    def test_database_refuses_a_place_kind_with_an_enterprise(self, worker, enterprise):
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactVisit.objects.create(
                worker=worker,
                visited_on=TODAY,
                notes="n",
                target_kind="place",
                enterprise=enterprise,
            )
        visit = visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)
        with pytest.raises(IntegrityError), transaction.atomic():
            PlaceVisit.objects.create(visit=visit)  # neither a station nor an outlet


@pytest.mark.django_db
class TestPages:
    @pytest.mark.parametrize(
        "persona",
        [
            "member",
            "station_staff",
            "auditor",
            "street_organizer",
            "enterprise_organizer",
            "outsider",
        ],
    )
    def test_people_who_do_not_visit_get_403(self, persona, as_persona, client, station_a):
        as_persona(persona)
        assert client.get(NEW).status_code == 403
        data = {"target": "station", "station": station_a.pk, "visited_on": TODAY, "notes": "n"}
        assert client.post(NEW, data).status_code == 403
        assert ContactVisit.objects.count() == 0

    def test_anonymous_goes_to_sign_in(self, client):
        response = client.get(NEW)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_wrong_method(self, client, worker):
        client.force_login(worker)
        assert client.put(NEW).status_code == 405

    def test_worker_logs_station_and_outlet_visits_and_sees_them_in_the_list(
        self, client, worker, district_admin, station_a, street_a, enterprise
    ):
        outlet = make_outlet(street=street_a, enterprise=enterprise)
        client.force_login(worker)
        page = client.get(NEW + f"?station={station_a.pk}")
        assert page.context["form"].initial["station"] == station_a.pk
        data = {"visited_on": TODAY.isoformat(), "notes": "了解站点使用"}
        response = client.post(NEW, {**data, "target": "station", "station": station_a.pk})
        assert response.status_code == 302 and response["Location"] == LIST
        client.post(NEW, {**data, "target": "outlet", "outlet": outlet.pk, "notes": "网点座谈"})
        html = client.get(LIST).content.decode()
        assert station_a.name in html and outlet.name in html and "网点座谈" in html
        assert reverse("stations:station-detail", args=[station_a.pk]) in html
        client.force_login(district_admin)  # district staff see every worker's visits
        assert outlet.name in client.get(LIST).content.decode()
        admin_list = client.get(reverse("admin:stations_placevisit_changelist")).content.decode()
        assert station_a.name in admin_list and outlet.name in admin_list

    def test_bad_input_is_a_form_error_and_writes_nothing(
        self, client, worker, street_b, enterprise
    ):
        far_outlet = make_outlet(street=street_b, enterprise=enterprise, name="殷行网点")
        client.force_login(worker)
        cases = [
            {"target": "station", "visited_on": TODAY.isoformat(), "notes": "n"},
            {
                "target": "outlet",
                "outlet": far_outlet.pk,
                "visited_on": TODAY.isoformat(),
                "notes": "n",
            },
            {"target": "station", "station": "x", "visited_on": "2026-13-01", "notes": ""},
        ]
        for data in cases:
            response = client.post(NEW, data)
            assert response.status_code == 200 and response.context["form"].errors
        assert ContactVisit.objects.count() == 0

    def test_list_queries_do_not_grow_with_place_visits(
        self, client, worker, station_a, street_a, enterprise, django_assert_num_queries
    ):
        outlet = make_outlet(street=street_a, enterprise=enterprise)

        def log(n):
            for _i in range(n):
                place_visit_create(by=worker, visited_on=TODAY, notes="n", station=station_a)
                place_visit_create(by=worker, visited_on=TODAY, notes="n", outlet=outlet)
                visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)

        client.force_login(worker)
        log(1)
        _, small = queries_of(lambda: client.get(LIST))
        log(9)
        with django_assert_num_queries(small):
            response = client.get(LIST)
        assert len(response.context["page"].object_list) == 30


@pytest.mark.django_db
class TestCoverage:
    def test_lists_stations_and_outlets_not_visited_in_90_days(
        self, client, worker, station_a, street_a, street_b, enterprise, django_assert_num_queries
    ):
        quiet = make_station(street=street_b, name="殷行骑手驿站")
        visited = make_outlet(street=street_a, enterprise=enterprise)
        stale = make_outlet(street=street_a, enterprise=enterprise, name="顺丰五角场营业部")
        place_visit_create(by=worker, visited_on=TODAY, notes="n", station=station_a)
        place_visit_create(by=worker, visited_on=TODAY, notes="n", outlet=visited)
        place_visit_create(
            by=worker, visited_on=TODAY - datetime.timedelta(days=100), notes="n", outlet=stale
        )
        client.force_login(worker)
        response = client.get(COVERAGE)
        sections = {s.key: s for s in response.context["place_sections"]}
        assert [r.name for r in sections["stations"].rows] == [quiet.name]
        assert [r.name for r in sections["outlets"].rows] == [stale.name]
        assert sections["outlets"].rows[0].last_visit == TODAY - datetime.timedelta(days=100)
        html = response.content.decode()
        assert quiet.name in html and stale.name in html and visited.name not in html
        _, small = queries_of(lambda: client.get(COVERAGE))
        for n in range(5):
            make_station(street=street_b, name=f"新站{n}")
            make_outlet(street=street_a, enterprise=enterprise, name=f"新网点{n}")
        with django_assert_num_queries(small):
            client.get(COVERAGE)

    def test_outlets_outside_the_users_scope_are_not_listed(
        self, client, street_organizer, street_b, enterprise
    ):
        make_outlet(street=street_b, enterprise=enterprise, name="殷行网点")
        client.force_login(street_organizer)
        assert "殷行网点" not in client.get(COVERAGE).content.decode()
