"""Invariants held by the database and the actions, and the scope querysets."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branches.actions import member_create, organization_create
from branches.models import Member, Organization, OrganizationKind, PoliticalStatus
from branches.phones import mask_phone, normalize_phone
from tests.conftest import make_member


class TestPhones:
    @pytest.mark.parametrize(
        "raw",
        [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "008613812345678",
            "１３８１２３４５６７８",
        ],
    )
    def test_normalizes_common_forms(self, raw):
        assert normalize_phone(raw) == "13812345678"

    @pytest.mark.parametrize("raw", ["", "1381234567", "23812345678", "138123456789", "abc"])
    def test_rejects_what_is_not_a_mobile_number(self, raw):
        with pytest.raises(ValidationError) as caught:
            normalize_phone(raw)
        assert caught.value.code == "invalid_phone"

    def test_masks_the_middle_four_digits(self):
        assert mask_phone("13812345678") == "138****5678"
        assert mask_phone("123") == "***"


@pytest.mark.django_db
class TestOrganizationTree:
    def test_a_branch_cannot_parent_a_committee(self, rider_branch):
        with pytest.raises(ValidationError, match="下不能设立"):
            organization_create(
                parent=rider_branch, name="错误的党委", kind=OrganizationKind.ENTERPRISE_COMMITTEE
            )
        assert not Organization.objects.filter(name="错误的党委").exists()

    def test_only_a_district_committee_is_a_root(self, db):
        with pytest.raises(ValidationError):
            organization_create(parent=None, name="孤立支部", kind=OrganizationKind.BRANCH)

    def test_the_database_refuses_a_second_kind_of_root(self, district_org):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.filter(pk=district_org.pk).update(kind=OrganizationKind.BRANCH)

    def test_subtree_is_one_query(
        self, enterprise_committee, rider_branch, committee_a, django_assert_num_queries
    ):
        enterprise_committee.refresh_from_db()
        with django_assert_num_queries(1):
            names = [o.name for o in Organization.objects.get_descendants(enterprise_committee)]
        assert names == ["外卖骑手党支部"]


@pytest.mark.django_db
class TestMembers:
    def test_phone_is_stored_normalized_and_unique(self, street_a):
        member_create(
            name="甲", gender="male", phone="+86 138-0000-0001", occupation="rider", street=street_a
        )
        assert Member.objects.get().phone == "13800000001"
        with pytest.raises(ValidationError):
            member_create(
                name="乙", gender="male", phone="13800000001", occupation="rider", street=street_a
            )

    def test_a_non_party_worker_has_no_party_organization(self, street_a, rider_branch):
        with pytest.raises(ValidationError):
            make_member(
                street=street_a, organization=rider_branch, political_status=PoliticalStatus.MASSES
            )
        member = make_member(street=street_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            Member.objects.filter(pk=member.pk).update(organization=rider_branch)

    def test_the_database_refuses_a_malformed_phone(self, street_a):
        member = make_member(street=street_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            Member.objects.filter(pk=member.pk).update(phone="2381234567")

    def test_member_sees_only_themselves(self, member, street_a):
        make_member(street=street_a, name="别人")
        assert [m.name for m in Member.objects.visible_to(member)] == ["李强"]

    def test_anonymous_sees_nobody(self, street_a):
        from django.contrib.auth.models import AnonymousUser

        make_member(street=street_a)
        assert not Member.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "member", "outsider", "district_admin"])
def test_streets_and_enterprises_are_public_reference_data(
    persona, request, street_a, street_b, enterprise
):
    from django.contrib.auth.models import AnonymousUser

    from branches.models import Enterprise, Street

    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    assert Street.objects.visible_to(user).count() == 2
    assert list(Enterprise.objects.visible_to(user)) == [enterprise]
