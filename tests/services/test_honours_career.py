"""Commendations (骑士表彰: nomination → approval → public honour roll) and career plans
(站长培养计划: milestones ticked by organizers in scope), with every page tried by each persona."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Member, OccupationGroup
from services import care_actions
from services.care import (
    CareerMilestone,
    CareerPlan,
    CareerTrack,
    Commendation,
    CommendationState,
    MilestoneCompletion,
)
from services.models import member_of
from services.names import mask_name
from tests.conftest import PERSONAS


def test_mask_name():
    assert [mask_name(n) for n in ["王小明", "李强", "欧阳娜娜", "张", ""]] == [
        "王*明",
        "李*",
        "欧**娜",
        "张",
        "",
    ]


# --- Commendations -------------------------------------------------------------------------------


@pytest.fixture
def nomination(member, street_organizer):
    return care_actions.commendation_nominate(
        by=street_organizer,
        member=member_of(member),
        title="骑士表彰",
        year=2026,
        citation="暴雨夜帮助走失老人回家。",
    )


def test_nominate_then_approve_puts_it_on_the_roll(nomination, district_admin):
    assert not Commendation.objects.honour_roll().exists()
    care_actions.commendation_decide(commendation=nomination, approve=True, by=district_admin)
    assert nomination.state == CommendationState.APPROVED
    assert nomination.decided_by == district_admin and nomination.decided_at
    assert list(Commendation.objects.honour_roll()) == [nomination]
    with pytest.raises(ValidationError, match="已审批"):
        care_actions.commendation_decide(commendation=nomination, approve=False, by=district_admin)


def test_only_district_admin_decides(nomination, street_organizer):
    with pytest.raises(PermissionDenied):
        care_actions.commendation_decide(commendation=nomination, approve=True, by=street_organizer)
    nomination.refresh_from_db()
    assert nomination.state == CommendationState.NOMINATED


def test_nominating_outside_scope_or_twice_is_refused(
    member, outsider, nomination, street_organizer
):
    with pytest.raises(PermissionDenied):
        care_actions.commendation_nominate(
            by=outsider, member=member_of(member), title="骑士表彰", year=2026, citation="x"
        )
    with pytest.raises(ValidationError, match="已被提名"):
        care_actions.commendation_nominate(
            by=street_organizer, member=member_of(member), title="骑士表彰", year=2026, citation="y"
        )
    assert Commendation.objects.count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_honour_roll_is_public_and_masks_the_name(
    persona, as_persona, client, nomination, district_admin
):
    care_actions.commendation_decide(commendation=nomination, approve=True, by=district_admin)
    as_persona(persona)
    response = client.get(reverse("services:honour-roll"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "李*" in html and "暴雨夜帮助走失老人回家" in html
    assert "李强" not in html
    assert nomination.member.phone not in html and "外卖骑手党支部" not in html


def test_declined_and_pending_nominations_stay_off_the_roll(client, nomination, district_admin):
    html = client.get(reverse("services:honour-roll")).content.decode()
    assert "暴雨夜" not in html
    care_actions.commendation_decide(commendation=nomination, approve=False, by=district_admin)
    assert "暴雨夜" not in client.get(reverse("services:honour-roll")).content.decode()


NOMINATION_PAGES = {"anonymous": 302, "member": 403, "station_staff": 403, "auditor": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_nomination_pages_by_persona(persona, as_persona, client, nomination):
    as_persona(persona)
    expected = NOMINATION_PAGES.get(persona, 200)
    response = client.get(reverse("services:nomination-list"))
    assert response.status_code == expected
    assert client.get(reverse("services:nomination-new")).status_code == expected
    if expected == 200:
        html = response.content.decode()
        in_scope = persona in ("street_organizer", "enterprise_organizer", "district_admin")
        assert (f'data-commendation="{nomination.pk}"' in html) == in_scope
        assert ('value="approve"' in html) == (persona == "district_admin")


@pytest.mark.parametrize("persona", PERSONAS)
def test_decide_by_persona(persona, as_persona, client, nomination):
    as_persona(persona)
    url = reverse("services:nomination-decide", args=[nomination.pk])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url, {"decision": "approve"})
    expected = {
        "anonymous": 302,
        "street_organizer": 403,
        "enterprise_organizer": 403,
        "district_admin": 302,
    }.get(persona, 404)
    assert response.status_code == expected
    nomination.refresh_from_db()
    assert (nomination.state == CommendationState.APPROVED) == (persona == "district_admin")


def test_organizer_nominates_on_the_page(client, street_organizer, member):
    client.force_login(street_organizer)
    target = member_of(member)
    response = client.post(
        reverse("services:nomination-new"),
        {"member": target.pk, "title": "骑士表彰", "year": 2026, "citation": "见义勇为"},
        follow=True,
    )
    assert "提名已提交" in response.content.decode()
    assert Commendation.objects.get().nominated_by == street_organizer
    response = client.post(
        reverse("services:nomination-new"),
        {"member": target.pk, "title": "骑士表彰", "year": 2026, "citation": "见义勇为"},
    )
    assert "已被提名" in response.content.decode() and Commendation.objects.count() == 1


def test_outsider_cannot_pick_a_member_out_of_scope(client, outsider, member):
    client.force_login(outsider)
    response = client.post(
        reverse("services:nomination-new"),
        {"member": member_of(member).pk, "title": "骑士表彰", "year": 2026, "citation": "x"},
    )
    assert response.status_code == 200 and not Commendation.objects.exists()


def bulk_members(street, n, start):
    return Member.objects.bulk_create(
        Member(name=f"骑手{i}", gender="male", phone=f"136{i:08d}",
               occupation=OccupationGroup.RIDER, street=street)
        for i in range(start, start + n)
    )  # fmt: skip


def assert_constant(client, url, add, marker, django_assert_num_queries):
    add(3, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as at_three:
        client.get(url)
    add(27, 3)
    with django_assert_num_queries(len(at_three.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count(marker) == 30


def test_roll_and_nominations_queries_do_not_grow(
    client, district_admin, street_a, django_assert_num_queries
):
    from django.utils import timezone

    def add(n, start):
        Commendation.objects.bulk_create(
            Commendation(title="骑士表彰", year=2026, member=m, citation="c",
                         nominated_by=district_admin, state=CommendationState.APPROVED,
                         decided_by=district_admin, decided_at=timezone.now())
            for m in bulk_members(street_a, n, start)
        )  # fmt: skip

    assert_constant(
        client, reverse("services:honour-roll"), add, "data-commendation=",
        django_assert_num_queries,
    )  # fmt: skip
    client.force_login(district_admin)
    Commendation.objects.all().delete()
    Member.objects.filter(phone__startswith="136").delete()
    assert_constant(
        client, reverse("services:nomination-list"), add, "data-commendation=",
        django_assert_num_queries,
    )  # fmt: skip


# --- Career plans ------------------------------------------------------------------------------


@pytest.fixture
def track(db):
    track = CareerTrack.objects.create(name="站长培养计划", description="从骑手到站长")
    CareerMilestone.objects.bulk_create(
        CareerMilestone(track=track, order=i, title=title)
        for i, title in enumerate(["担任骑手小组长", "完成站务培训", "代理站长三个月"], start=1)
    )
    return track


@pytest.fixture
def plan(member, track, street_organizer):
    return care_actions.career_plan_start(
        by=street_organizer, member=member_of(member), track=track
    )


def test_organizer_ticks_and_unticks_milestones(plan, track, street_organizer):
    first = track.milestones.get(order=1)
    care_actions.milestone_tick(plan=plan, milestone=first, by=street_organizer)
    care_actions.milestone_tick(plan=plan, milestone=first, by=street_organizer)  # no-op
    done = MilestoneCompletion.objects.get()
    assert done.completed_by == street_organizer and done.milestone == first
    care_actions.milestone_tick(plan=plan, milestone=first, by=street_organizer, done=False)
    assert not MilestoneCompletion.objects.exists()


def test_member_and_outsider_cannot_tick(plan, track, member, outsider):
    for user in (member, outsider):
        with pytest.raises(PermissionDenied):
            care_actions.milestone_tick(plan=plan, milestone=track.milestones.first(), by=user)


def test_milestone_of_another_track_is_refused(plan, street_organizer):
    other = CareerTrack.objects.create(name="技能提升计划")
    stray = CareerMilestone.objects.create(track=other, order=1, title="考取证书")
    with pytest.raises(ValidationError):
        care_actions.milestone_tick(plan=plan, milestone=stray, by=street_organizer)


def test_a_member_is_on_a_track_once(plan, member, track, street_organizer):
    with pytest.raises(ValidationError, match="已在"):
        care_actions.career_plan_start(by=street_organizer, member=member_of(member), track=track)


DETAIL = {
    "anonymous": 302,
    "member": 200,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "district_admin": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_detail_by_persona(persona, as_persona, client, plan, track, street_organizer):
    care_actions.milestone_tick(plan=plan, milestone=track.milestones.get(order=1),
                                by=street_organizer)  # fmt: skip
    as_persona(persona)
    response = client.get(reverse("services:career-detail", args=[plan.pk]))
    assert response.status_code == DETAIL.get(persona, 404)
    if response.status_code == 200:
        html = response.content.decode()
        assert "代理站长三个月" in html and html.count("data-done") == 1
        assert ('value="yes"' in html) == (persona != "member")


@pytest.mark.parametrize("persona", PERSONAS)
def test_tick_by_persona(persona, as_persona, client, plan, track):
    as_persona(persona)
    milestone = track.milestones.get(order=2)
    url = reverse("services:career-tick", args=[plan.pk, milestone.pk])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url, {"done": "yes"})
    expected = {"anonymous": 302, "member": 403}.get(persona, DETAIL.get(persona, 404))
    assert response.status_code == (302 if expected == 200 else expected)
    assert MilestoneCompletion.objects.exists() == (expected == 200)


LIST = {"anonymous": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_career_list_by_persona(persona, as_persona, client, plan):
    as_persona(persona)
    response = client.get(reverse("services:career-list"))
    assert response.status_code == LIST.get(persona, 200)
    if response.status_code == 200:
        html = response.content.decode()
        sees = persona in ("member", "street_organizer", "enterprise_organizer", "district_admin")
        assert (f'data-plan="{plan.pk}"' in html) == sees
        manager = persona not in ("member", "station_staff", "auditor")
        assert (reverse("services:career-new") in html) == manager


def test_organizer_starts_a_plan_on_the_page(client, street_organizer, member, track):
    client.force_login(street_organizer)
    target = member_of(member)
    response = client.post(
        reverse("services:career-new"), {"member": target.pk, "track": track.pk}, follow=True
    )
    plan = CareerPlan.objects.get()
    assert plan.member == target and plan.created_by == street_organizer
    assert "担任骑手小组长" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_career_new_by_persona(persona, as_persona, client, track):
    as_persona(persona)
    response = client.get(reverse("services:career-new"))
    assert response.status_code == NOMINATION_PAGES.get(persona, 200)


def test_career_list_queries_do_not_grow(
    client, street_organizer, track, street_a, django_assert_num_queries
):
    client.force_login(street_organizer)

    def add(n, start):
        CareerPlan.objects.bulk_create(
            CareerPlan(track=track, member=m, created_by=street_organizer)
            for m in bulk_members(street_a, n, start)
        )

    assert_constant(
        client, reverse("services:career-list"), add, "data-plan=", django_assert_num_queries
    )


def test_admin_lists_every_new_model(client, district_admin, nomination, plan):
    """District admins read every model of this part in the admin; workflow rows are
    read-only there (their states change through the portal's actions)."""
    client.force_login(district_admin)
    for model in ("benefitprovider", "benefit", "benefitclaim", "aidprogram", "aidapplication",
                  "commendation", "careertrack", "careerplan"):  # fmt: skip
        response = client.get(reverse(f"admin:services_{model}_changelist"))
        assert response.status_code == 200, model
    assert client.get(reverse("admin:services_commendation_add")).status_code == 403
    html = client.get(reverse("admin:services_careerplan_change", args=[plan.pk])).content
    assert "站长培养计划" in html.decode()
