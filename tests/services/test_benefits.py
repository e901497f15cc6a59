"""Benefits (专属优惠, issue 6): eligibility, claims refused twice / past the quota / after
expiry, redemption by the provider's staff, and every page tried by each persona."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Member, OccupationGroup
from services import benefit_actions
from services.benefits import Benefit, BenefitClaim, BenefitProvider
from services.models import member_of
from services.passport import award
from tests.conftest import PERSONAS, make_member, make_user


def make_benefit(provider, **fields):
    today = timezone.localdate()
    return Benefit.objects.create(
        provider=provider,
        title=fields.pop("title", "骑手体检套餐"),
        quota=fields.pop("quota", 10),
        valid_from=fields.pop("valid_from", today - timedelta(days=1)),
        valid_until=fields.pop("valid_until", today + timedelta(days=30)),
        **fields,
    )


def give_stamps(user, n):
    member = member_of(user)
    for i in range(n):
        award(member=member, source_kind="station_checkin", source_id=10_000 + i)


@pytest.fixture
def provider(db):
    return BenefitProvider.objects.create(name="五角场健身房")


@pytest.fixture
def provider_staff(provider):
    user = make_user("gym")
    provider.staff.add(user)
    return user


@pytest.fixture
def courier(street_a):
    """A non-party courier with a login."""
    user = make_user("courier")
    make_member(street=street_a, name="赵磊", user=user, occupation=OccupationGroup.COURIER)
    return user


@pytest.fixture
def benefit(provider):
    return make_benefit(provider, description="免费体检一次")


@pytest.fixture
def goal_benefit(provider):
    return make_benefit(provider, title="300 元权益", min_stamps=6)


# --- Claims ------------------------------------------------------------------------------------


def test_claim_gives_a_unique_code(member, benefit):
    claim = benefit_actions.benefit_claim(benefit=benefit, by=member)
    assert len(claim.code) == 10 and claim.member.user == member
    assert claim.redeemed_at is None


def test_claiming_twice_is_refused(member, benefit):
    benefit_actions.benefit_claim(benefit=benefit, by=member)
    with pytest.raises(ValidationError, match="不能重复领取"):
        benefit_actions.benefit_claim(benefit=benefit, by=member)
    assert BenefitClaim.objects.count() == 1


def test_claim_past_the_quota_is_refused(member, benefit, street_a):
    Benefit.objects.filter(pk=benefit.pk).update(quota=1)
    other = make_user("rider3")
    make_member(street=street_a, name="陈晨", user=other)
    benefit_actions.benefit_claim(benefit=benefit, by=other)
    with pytest.raises(ValidationError, match="名额已领完"):
        benefit_actions.benefit_claim(benefit=benefit, by=member)


def test_claim_after_expiry_or_before_start_is_refused(member, provider):
    today = timezone.localdate()
    expired = make_benefit(provider, title="过期", valid_from=today - timedelta(days=9),
                           valid_until=today - timedelta(days=1))  # fmt: skip
    future = make_benefit(provider, title="未开始", valid_from=today + timedelta(days=1))
    with pytest.raises(ValidationError, match="已过期"):
        benefit_actions.benefit_claim(benefit=expired, by=member)
    with pytest.raises(ValidationError, match="尚未开放"):
        benefit_actions.benefit_claim(benefit=future, by=member)
    assert not BenefitClaim.objects.exists()


def test_eligibility_by_occupation_party_and_stamps(member, courier, provider, goal_benefit):
    couriers = make_benefit(provider, title="快递专享", occupation=OccupationGroup.COURIER)
    party = make_benefit(provider, title="党员专享", party_members_only=True)
    with pytest.raises(ValidationError, match="仅限快递员"):
        benefit_actions.benefit_claim(benefit=couriers, by=member)
    with pytest.raises(ValidationError, match="仅限党员"):
        benefit_actions.benefit_claim(benefit=party, by=courier)
    benefit_actions.benefit_claim(benefit=couriers, by=courier)
    benefit_actions.benefit_claim(benefit=party, by=member)
    give_stamps(member, 5)
    with pytest.raises(ValidationError, match="6 枚印章（您已有 5 枚）"):
        benefit_actions.benefit_claim(benefit=goal_benefit, by=member)
    give_stamps(member, 6)  # the first five are the same sources: awarded once
    assert benefit_actions.progress_of(member_of(member)).stamps == 6
    assert benefit_actions.benefit_claim(benefit=goal_benefit, by=member).code


def test_min_points_counts_the_ledger(member, provider):
    points = make_benefit(provider, title="积分兑换", min_points=6)
    give_stamps(member, 1)  # a station check-in earns 5 points (seeded rule)
    with pytest.raises(ValidationError, match="需要 6 积分（您已有 5 分）"):
        benefit_actions.benefit_claim(benefit=points, by=member)
    give_stamps(member, 2)
    assert benefit_actions.benefit_claim(benefit=points, by=member).code


def test_someone_without_a_member_record_cannot_claim(station_staff, benefit):
    with pytest.raises(PermissionDenied):
        benefit_actions.benefit_claim(benefit=benefit, by=station_staff)


def test_database_refuses_a_second_claim_row(member, benefit):
    from django.db import IntegrityError, transaction

    claim = benefit_actions.benefit_claim(benefit=benefit, by=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        BenefitClaim.objects.create(benefit=benefit, member=claim.member, code="XXXXXXXXXX")


# --- Redemption --------------------------------------------------------------------------------


def test_provider_staff_redeem_once(member, benefit, provider_staff):
    claim = benefit_actions.benefit_claim(benefit=benefit, by=member)
    spaced = f" {claim.code[:5].lower()}-{claim.code[5:]} "
    redeemed = benefit_actions.benefit_redeem(code=spaced, by=provider_staff)
    assert redeemed.redeemed_by == provider_staff and redeemed.redeemed_at
    with pytest.raises(ValidationError, match="已于"):
        benefit_actions.benefit_redeem(code=claim.code, by=provider_staff)


def test_other_providers_staff_see_the_code_as_unknown(member, benefit):
    claim = benefit_actions.benefit_claim(benefit=benefit, by=member)
    other = make_user("phoneshop")
    BenefitProvider.objects.create(name="手机店").staff.add(other)
    with pytest.raises(ValidationError, match="兑换码无效"):
        benefit_actions.benefit_redeem(code=claim.code, by=other)
    claim.refresh_from_db()
    assert claim.redeemed_at is None


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_benefit_list_by_persona(persona, as_persona, client, benefit):
    user = as_persona(persona)
    if user is not None and member_of(user) is not None:
        benefit_actions.benefit_claim(benefit=benefit, by=user)
    response = client.get(reverse("services:benefit-list"))
    html = response.content.decode()
    assert response.status_code == 200 and "骑手体检套餐" in html
    assert ("登录后领取" in html) == (persona == "anonymous")
    assert ("我的兑换码" in html) == (persona == "member")


def test_member_claims_from_the_page_and_sees_the_code(client, member, goal_benefit):
    client.force_login(member)
    give_stamps(member, 6)
    html = client.get(reverse("services:benefit-list")).content.decode()
    assert "您已集得 6 枚印章" in html
    assert reverse("services:benefit-claim", args=[goal_benefit.pk]) in html
    response = client.post(reverse("services:benefit-claim", args=[goal_benefit.pk]), follow=True)
    code = BenefitClaim.objects.get().code
    assert f"您的兑换码是 {code}" in response.content.decode()
    response = client.post(reverse("services:benefit-claim", args=[goal_benefit.pk]), follow=True)
    assert "不能重复领取" in response.content.decode()
    assert BenefitClaim.objects.count() == 1


def test_ineligible_benefit_shows_why_without_a_button(client, member, goal_benefit):
    client.force_login(member)
    html = client.get(reverse("services:benefit-list")).content.decode()
    assert "需要集满 6 枚印章（您已有 0 枚）" in html
    assert reverse("services:benefit-claim", args=[goal_benefit.pk]) not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_claim_is_post_only(persona, as_persona, client, benefit):
    as_persona(persona)
    response = client.get(reverse("services:benefit-claim", args=[benefit.pk]))
    assert response.status_code == (302 if persona == "anonymous" else 405)
    assert not BenefitClaim.objects.exists()


def test_claim_by_someone_without_member_record_is_403(client, station_staff, benefit):
    client.force_login(station_staff)
    response = client.post(reverse("services:benefit-claim", args=[benefit.pk]))
    assert response.status_code == 403 and not BenefitClaim.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_redeem_page_is_for_provider_staff_and_district(persona, as_persona, client, benefit):
    as_persona(persona)
    response = client.get(reverse("services:benefit-redeem"))
    expected = {"anonymous": 302, "district_admin": 200}.get(persona, 403)
    assert response.status_code == expected
    if expected == 200:
        assert "最近核销" in response.content.decode()


def test_provider_staff_redeem_on_the_page(client, member, benefit, provider_staff):
    claim = benefit_actions.benefit_claim(benefit=benefit, by=member)
    client.force_login(provider_staff)
    response = client.post(reverse("services:benefit-redeem"), {"code": claim.code}, follow=True)
    html = response.content.decode()
    assert "已核销：骑手体检套餐（李*）" in html and f'data-claim="{claim.pk}"' in html
    claim.refresh_from_db()
    assert claim.redeemed_by == provider_staff
    response = client.post(reverse("services:benefit-redeem"), {"code": "nonsense"}, follow=True)
    assert "兑换码无效" in response.content.decode()


def queries_of(client, url):
    """The number of queries of a second GET of `url` (the first warms session and caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def bulk_members(street, n, start=0):
    return Member.objects.bulk_create(
        Member(
            name=f"骑手{i}",
            gender="male",
            phone=f"139{i:08d}",
            occupation=OccupationGroup.RIDER,
            street=street,
        )
        for i in range(start, start + n)
    )


def test_benefit_list_queries_do_not_grow(client, member, provider, django_assert_num_queries):
    client.force_login(member)
    url = reverse("services:benefit-list")
    today = timezone.localdate()

    def add_benefits(n):
        created = Benefit.objects.bulk_create(
            Benefit(provider=provider, title=f"优惠{i}", quota=5, valid_from=today,
                    valid_until=today + timedelta(days=3))
            for i in range(n)
        )  # fmt: skip
        BenefitClaim.objects.bulk_create(
            BenefitClaim(benefit=b, member=member_of(member), code=f"C{b.pk:09d}") for b in created
        )

    add_benefits(3)
    at_three = queries_of(client, url)
    add_benefits(27)
    with django_assert_num_queries(at_three):
        response = client.get(url)
    assert response.content.decode().count("data-benefit=") == 30
    assert response.content.decode().count("data-claim=") == 30


def test_redeem_page_queries_do_not_grow(
    client, provider, provider_staff, street_a, django_assert_num_queries
):
    benefit = make_benefit(provider, quota=100)
    client.force_login(provider_staff)
    url = reverse("services:benefit-redeem")
    now = timezone.now()

    def redeem(members):
        BenefitClaim.objects.bulk_create(
            BenefitClaim(benefit=benefit, member=m, code=f"R{m.pk:09d}", redeemed_at=now,
                         redeemed_by=provider_staff)
            for m in members
        )  # fmt: skip

    redeem(bulk_members(street_a, 3))
    at_three = queries_of(client, url)
    redeem(bulk_members(street_a, 27, start=3))
    with django_assert_num_queries(at_three):
        response = client.get(url)
    assert response.content.decode().count("data-claim=") == 30


def test_done_when_the_goal_is_reached_the_rider_claims_once(client, member, provider):
    """Issue 6 "done when": the passport's stamp goal leads to its benefit, claimed once."""
    from services.models import StampGoal

    benefit = make_benefit(provider, title="集满 6 枚印章：300 元权益", min_stamps=6)
    StampGoal.objects.create(
        name="集章六枚", stamps_required=6, benefit_label="300 元权益", benefit=benefit
    )
    client.force_login(member)
    give_stamps(member, 5)
    assert "data-goal-benefit" not in client.get(reverse("services:passport")).content.decode()
    give_stamps(member, 6)
    html = client.get(reverse("services:passport")).content.decode()
    assert f"{reverse('services:benefit-list')}#benefit-{benefit.pk}" in html
    claim_url = reverse("services:benefit-claim", args=[benefit.pk])
    assert "领取成功" in client.post(claim_url, follow=True).content.decode()
    assert "不能重复领取" in client.post(claim_url, follow=True).content.decode()
    assert BenefitClaim.objects.filter(benefit=benefit).count() == 1
