"""The organization tree (collapsible, subtree totals) and the organization page, by persona."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.actions import organization_create, pairing_create
from branches.models import OrganizationKind, Pairing
from tests.branches.conftest import bulk_members, queries_of
from tests.conftest import make_member

TREE = reverse("branches:organization-tree")


def detail(organization):
    return reverse("branches:organization-detail", args=[organization.pk])


@pytest.fixture
def courier_branch(committee_a, street_a):
    return organization_create(
        parent=committee_a, name="快递员党支部", kind=OrganizationKind.BRANCH, street=street_a
    )


@pytest.fixture
def pairing(rider_branch, street_a):
    return pairing_create(
        organization=rider_branch,
        community="国定一居民区",
        street=street_a,
        started_on=datetime.date(2024, 7, 1),
        notes="共建骑手驿站",
    )


@pytest.mark.django_db
class TestTree:
    def test_nodes_nest_and_totals_add_up_the_subtree(
        self, client, district_admin, street_a, committee_a, courier_branch, rider_branch
    ):
        bulk_members(3, street=street_a, organization=courier_branch)
        bulk_members(2, street=street_a, organization=committee_a)
        bulk_members(4, street=street_a, organization=rider_branch)
        client.force_login(district_admin)
        response = client.get(TREE)
        (district,) = response.context["roots"]
        assert district.subtree_count == 9
        by_name = {o.name: o for o in response.context["organizations"]}
        assert (
            by_name["五角场街道党工委"].member_count,
            by_name["五角场街道党工委"].subtree_count,
        ) == (
            2,
            5,
        )
        assert [c.name for c in by_name["五角场街道党工委"].children] == ["快递员党支部"]
        assert by_name["美团(上海)党委"].subtree_count == 4
        html = response.content.decode()
        assert "<details" in html and "<summary>" in html
        assert "本级 2 人 / 合计 5 人" in html
        assert detail(courier_branch) in html

    def test_street_organizer_tree_starts_at_their_committee(
        self, client, street_organizer, courier_branch, rider_branch, committee_b
    ):
        client.force_login(street_organizer)
        response = client.get(TREE)
        assert [root.name for root in response.context["roots"]] == ["五角场街道党工委"]
        assert "殷行街道党工委" not in response.content.decode()

    @pytest.mark.parametrize("persona", ["district_admin", "street_organizer"])
    def test_query_count_is_the_same_at_10_and_2000_members(
        self,
        persona,
        as_persona,
        client,
        street_a,
        committee_a,
        courier_branch,
        rider_branch,
        django_assert_num_queries,
    ):
        as_persona(persona)
        bulk_members(10, street=street_a, organization=courier_branch)
        _, small = queries_of(lambda: client.get(TREE))
        bulk_members(1000, street=street_a, organization=courier_branch)
        bulk_members(990, street=street_a, organization=rider_branch)
        with django_assert_num_queries(small):
            response = client.get(TREE)
        counts = {o.name: o.subtree_count for o in response.context["organizations"]}
        assert counts["五角场街道党工委"] == 1010


@pytest.mark.django_db
class TestOrganizationPage:
    def test_anonymous_is_sent_to_sign_in(self, client, rider_branch):
        response = client.get(detail(rider_branch))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor"])
    def test_people_without_a_roster_get_403(self, persona, as_persona, client, rider_branch):
        as_persona(persona)
        response = client.get(detail(rider_branch))
        assert response.status_code == 403
        assert "外卖骑手党支部" not in response.content.decode()

    @pytest.mark.parametrize(
        ("persona", "org", "status"),
        [
            ("street_organizer", "committee_a", 200),
            ("street_organizer", "rider_branch", 404),
            ("street_organizer", "committee_b", 404),
            ("outsider", "committee_a", 404),
            ("outsider", "committee_b", 200),
            ("enterprise_organizer", "rider_branch", 200),
            ("enterprise_organizer", "committee_a", 404),
            ("district_admin", "committee_b", 200),
            ("district_admin", "rider_branch", 200),
        ],
    )
    def test_scope_decides_404(self, persona, org, status, as_persona, client, request):
        organization = request.getfixturevalue(org)
        as_persona(persona)
        response = client.get(detail(organization))
        assert response.status_code == status
        if status == 200:
            assert response.context["organization"] == organization
            assert organization.name in response.content.decode()

    def test_post_is_405(self, client, district_admin, rider_branch):
        client.force_login(district_admin)
        assert client.post(detail(rider_branch)).status_code == 405

    def test_shows_members_children_organizers_and_pairings(
        self, client, enterprise_organizer, enterprise_committee, rider_branch, street_a, pairing
    ):
        make_member(street=street_a, name="王骑手", organization=rider_branch)
        make_member(street=street_a, name="总部党员", organization=enterprise_committee)
        client.force_login(enterprise_organizer)
        html = client.get(detail(enterprise_committee)).content.decode()
        assert "外卖骑手党支部" in html  # child
        assert "总部党员" in html and "王骑手" not in html  # direct members only
        assert "本级 1 人 / 合计 2 人" in html
        assert "meituan" in html and "企业党委组织员" in html
        html = client.get(detail(rider_branch)).content.decode()
        assert "国定一居民区" in html and "共建骑手驿站" in html and "2024-07-01" in html

    def test_street_committee_lists_its_street_organizers(
        self, client, street_organizer, committee_a
    ):
        client.force_login(street_organizer)
        html = client.get(detail(committee_a)).content.decode()
        assert "wujiaochang" in html and "街道党工委组织员" in html

    def test_query_count_is_the_same_at_10_and_600_members(
        self, client, district_admin, street_a, rider_branch, pairing, django_assert_num_queries
    ):
        client.force_login(district_admin)
        bulk_members(10, street=street_a, organization=rider_branch)
        _, small = queries_of(lambda: client.get(detail(rider_branch)))
        bulk_members(590, street=street_a, organization=rider_branch)
        with django_assert_num_queries(small):
            response = client.get(detail(rider_branch))
        assert response.context["node"].subtree_count == 600
        assert len(response.context["page"].object_list) == 50


@pytest.mark.django_db
class TestPairings:
    def test_only_enterprise_organizations_pair(self, committee_a, street_a):
        with pytest.raises(ValidationError) as error:
            pairing_create(
                organization=committee_a,
                community="国定一居民区",
                street=street_a,
                started_on=datetime.date(2024, 1, 1),
            )
        assert "organization" in error.value.message_dict
        assert Pairing.objects.count() == 0

    def test_the_same_pairing_twice_is_refused(self, pairing, rider_branch, street_a):
        with pytest.raises(ValidationError):
            pairing_create(
                organization=rider_branch,
                community="国定一居民区",
                street=street_a,
                started_on=datetime.date(2025, 1, 1),
            )
        assert Pairing.objects.count() == 1

    def test_pairings_follow_organization_scope(
        self, pairing, street_organizer, enterprise_organizer
    ):
        assert list(Pairing.objects.visible_to(enterprise_organizer)) == [pairing]
        assert list(Pairing.objects.visible_to(street_organizer)) == []

    def test_admin_lists_pairings(self, client, district_admin, pairing):
        client.force_login(district_admin)
        response = client.get(reverse("admin:branches_pairing_changelist"))
        assert "国定一居民区" in response.content.decode()
