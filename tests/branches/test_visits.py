"""Instructors, contact visits by full-time workers, and the coverage view."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from branches.actions import visit_create
from branches.models import ContactVisit, Enterprise, Instructor, OrganizerAssignment
from tests.branches.conftest import queries_of
from tests.conftest import make_member, make_user

LIST = reverse("branches:visit-list")
NEW = reverse("branches:visit-create")
COVERAGE = reverse("branches:visit-coverage")
TODAY = datetime.date.today()


@pytest.fixture
def worker(street_a):
    user = make_user("worker")
    OrganizerAssignment.objects.create(user=user, role="worker", street=street_a)
    return user


@pytest.fixture
def other_enterprise(db):
    return Enterprise.objects.create(name="哔哩哔哩", short_name="B站", sector="video")


@pytest.mark.django_db
class TestVisitAction:
    def test_exactly_one_target(self, worker, enterprise, street_a):
        member = make_member(street=street_a)
        for targets in ({}, {"enterprise": enterprise, "member": member}):
            with pytest.raises(ValidationError):
                visit_create(by=worker, visited_on=TODAY, notes="n", **targets)
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactVisit.objects.create(worker=worker, visited_on=TODAY, notes="n")
        assert ContactVisit.objects.count() == 0

    def test_member_visit_takes_the_members_street_enterprise_the_workers(
        self, worker, enterprise, street_a, street_b
    ):
        member = make_member(street=street_b)
        assert (
            visit_create(by=worker, visited_on=TODAY, notes="n", member=member).street == street_b
        )
        visit = visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)
        assert visit.street == street_a

    def test_due_date_needs_a_follow_up_and_no_future_dates(self, worker, enterprise):
        with pytest.raises(ValidationError):
            visit_create(
                by=worker, visited_on=TODAY, notes="n", enterprise=enterprise, follow_up_due=TODAY
            )
        with pytest.raises(ValidationError):
            visit_create(
                by=worker,
                visited_on=TODAY + datetime.timedelta(days=1),
                notes="n",
                enterprise=enterprise,
            )
        assert ContactVisit.objects.count() == 0


@pytest.mark.django_db
class TestVisitPages:
    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor", "street_organizer"])
    def test_people_who_do_not_visit_get_403(self, persona, as_persona, client):
        as_persona(persona)
        assert client.get(LIST).status_code == 403
        assert client.get(NEW).status_code == 403

    def test_anonymous_goes_to_sign_in(self, client):
        for url in (LIST, NEW, COVERAGE):
            assert client.get(url).status_code == 302

    def test_worker_logs_an_enterprise_visit_and_sees_only_their_own(
        self, client, worker, district_admin, enterprise
    ):
        visit_create(by=district_admin, visited_on=TODAY, notes="区里的走访", enterprise=enterprise)
        client.force_login(worker)
        response = client.post(
            NEW,
            {
                "target": "enterprise",
                "enterprise": enterprise.pk,
                "visited_on": TODAY.isoformat(),
                "notes": "了解骑手需求",
                "follow_up": "协调休息点",
                "follow_up_due": (TODAY + datetime.timedelta(days=7)).isoformat(),
            },
        )
        assert response.status_code == 302
        html = client.get(LIST).content.decode()
        assert "了解骑手需求" in html and "协调休息点" in html and "区里的走访" not in html
        client.force_login(district_admin)
        html = client.get(LIST).content.decode()
        assert "了解骑手需求" in html and "区里的走访" in html

    def test_member_by_phone_only_within_scope(self, client, worker, street_a, street_b):
        near = make_member(street=street_a, name="王芳")
        far = make_member(street=street_b, name="赵磊")
        client.force_login(worker)
        data = {"target": "member", "visited_on": TODAY.isoformat(), "notes": "谈心"}
        response = client.post(NEW, {**data, "member_phone": far.phone})
        assert "范围内没有" in response.content.decode()
        response = client.post(NEW, {**data, "member_phone": "abc"})
        assert "11 位手机号" in response.content.decode()
        assert ContactVisit.objects.count() == 0
        assert client.post(NEW, {**data, "member_phone": near.phone}).status_code == 302
        assert ContactVisit.objects.get().member == near

    def test_wrong_method(self, client, worker):
        client.force_login(worker)
        assert client.post(LIST).status_code == 405
        assert client.post(COVERAGE).status_code == 405

    def test_list_queries_do_not_grow(self, client, worker, enterprise, django_assert_num_queries):
        client.force_login(worker)
        visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)
        _, small = queries_of(lambda: client.get(LIST))
        for _i in range(30):
            visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)
        with django_assert_num_queries(small):
            response = client.get(LIST)
        assert len(response.context["page"].object_list) == 31


@pytest.mark.django_db
class TestCoverage:
    def test_lists_enterprises_not_visited_in_90_days_with_instructors(
        self, client, worker, enterprise, other_enterprise, django_assert_num_queries
    ):
        third = Enterprise.objects.create(name="达达", short_name="达达", sector="instant_delivery")
        instructor = Instructor.objects.create(name="周指导")
        instructor.enterprises.add(other_enterprise, third)
        visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)
        visit_create(
            by=worker,
            visited_on=TODAY - datetime.timedelta(days=120),
            notes="n",
            enterprise=other_enterprise,
        )
        client.force_login(worker)
        response = client.get(COVERAGE)
        names = [e.name for e in response.context["enterprises"]]
        assert names == ["达达", "哔哩哔哩"]  # never visited first, then the oldest
        html = response.content.decode()
        assert "从未走访" in html and "周指导" in html and "美团(上海)" not in html
        _, small = queries_of(lambda: client.get(COVERAGE))
        for n in range(5):
            Enterprise.objects.create(name=f"企业{n}", short_name=f"企{n}", sector="other")
        with django_assert_num_queries(small):
            client.get(COVERAGE)

    def test_organizers_read_coverage_riders_do_not(self, client, street_organizer, member):
        client.force_login(street_organizer)
        assert client.get(COVERAGE).status_code == 200
        client.force_login(member)
        assert client.get(COVERAGE).status_code == 403

    def test_admin_lists_instructors_and_visits(self, client, district_admin, worker, enterprise):
        Instructor.objects.create(name="周指导")
        visit_create(by=worker, visited_on=TODAY, notes="n", enterprise=enterprise)
        client.force_login(district_admin)
        assert (
            "周指导" in client.get(reverse("admin:branches_instructor_changelist")).content.decode()
        )
        assert client.get(reverse("admin:branches_contactvisit_changelist")).status_code == 200
