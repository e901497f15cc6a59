"""The organization tree and the roster, tried by every persona."""

import pytest
from django.urls import reverse

from tests.conftest import make_member

TREE = reverse("branches:organization-tree")
ROSTER = reverse("branches:member-list")


@pytest.fixture
def people(street_a, street_b, rider_branch, committee_a, committee_b):
    """One member in each scope: a street-A worker, a street-B worker, a rider-branch member."""
    return {
        "a": make_member(street=street_a, name="王芳", gender="female"),
        "b": make_member(street=street_b, name="赵磊"),
        "branch": make_member(street=street_b, name="陈静", organization=rider_branch),
    }


def roster_names(response):
    return sorted(member.name for member in response.context["page"].object_list)


@pytest.mark.django_db
class TestRosterScope:
    def test_street_organizer_sees_their_street_only(self, client, street_organizer, people):
        client.force_login(street_organizer)
        response = client.get(ROSTER)
        assert roster_names(response) == ["王芳"]
        assert "赵磊" not in response.content.decode()

    def test_outsider_sees_their_own_street_not_street_a(self, client, outsider, people):
        client.force_login(outsider)
        assert roster_names(client.get(ROSTER)) == ["赵磊", "陈静"]

    def test_enterprise_organizer_sees_their_subtree_wherever_members_live(
        self, client, enterprise_organizer, people
    ):
        client.force_login(enterprise_organizer)
        assert roster_names(client.get(ROSTER)) == ["陈静"]

    def test_district_admin_sees_everyone(self, client, district_admin, people):
        client.force_login(district_admin)
        assert roster_names(client.get(ROSTER)) == ["王芳", "赵磊", "陈静"]

    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor"])
    def test_people_without_a_roster_are_refused(self, persona, as_persona, client, people):
        as_persona(persona)
        assert client.get(ROSTER).status_code == 403
        assert client.get(TREE).status_code == 403

    def test_post_is_not_allowed(self, client, district_admin):
        client.force_login(district_admin)
        assert client.post(ROSTER).status_code == 405
        assert client.post(TREE).status_code == 405

    def test_search_by_name_and_by_phone(self, client, district_admin, people):
        client.force_login(district_admin)
        assert roster_names(client.get(ROSTER, {"q": "王"})) == ["王芳"]
        assert roster_names(client.get(ROSTER, {"q": people["b"].phone[-4:]})) == ["赵磊"]

    def test_filter_by_street_and_status(self, client, district_admin, people, street_b):
        client.force_login(district_admin)
        assert roster_names(client.get(ROSTER, {"street": street_b.pk})) == ["赵磊", "陈静"]
        assert roster_names(client.get(ROSTER, {"political_status": "full"})) == ["陈静"]

    def test_nonsense_filters_are_ignored_not_an_error(self, client, district_admin, people):
        client.force_login(district_admin)
        response = client.get(ROSTER, {"street": "abc", "page": "-4"})
        assert response.status_code == 200
        assert roster_names(response) == ["王芳", "赵磊", "陈静"]

    def test_query_count_does_not_grow_with_the_roster(
        self, client, district_admin, street_a, rider_branch, django_assert_num_queries
    ):
        client.force_login(district_admin)
        for i in range(3):
            make_member(street=street_a, name=f"成员{i}", organization=rider_branch)
        # + the organization and enterprise filter options (issue 3)
        # + the phone-reveal audit record (savepoint, chain head lock, insert, head update,
        # release: 5; issue 9)
        with django_assert_num_queries(15) as small:
            client.get(ROSTER)
        for i in range(40):
            make_member(street=street_a, name=f"新成员{i}", organization=rider_branch)
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get(ROSTER)
        assert response.context["page"].paginator.count == 43


@pytest.mark.django_db
class TestOrganizationTree:
    def test_street_organizer_sees_their_street_committee(
        self, client, street_organizer, committee_a, committee_b
    ):
        client.force_login(street_organizer)
        html = client.get(TREE).content.decode()
        assert "五角场街道党工委" in html
        assert "殷行街道党工委" not in html

    def test_enterprise_organizer_sees_committee_and_branches(
        self, client, enterprise_organizer, rider_branch, committee_b
    ):
        client.force_login(enterprise_organizer)
        names = [o.name for o in client.get(TREE).context["organizations"]]
        assert names == ["美团(上海)党委", "外卖骑手党支部"]

    def test_member_counts_come_from_one_query(
        self, client, district_admin, rider_branch, street_a, committee_a, django_assert_num_queries
    ):
        for i in range(3):
            make_member(street=street_a, name=f"骑手{i}", organization=rider_branch)
        client.force_login(district_admin)
        # session, user, permissions (user's, groups'), navigation roles, the tree
        with django_assert_num_queries(6):
            response = client.get(TREE)
        counts = {o.name: o.member_count for o in response.context["organizations"]}
        assert counts["外卖骑手党支部"] == 3
        assert counts["五角场街道党工委"] == 0
