"""The 三会一课 compliance board: held or overdue per branch and period, in a few queries."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.actions import organization_create
from branches.models import Organization, OrganizationKind
from services import actions, compliance
from services.models import ComplianceRule
from tests.conftest import PERSONAS
from tests.services.conftest import make_activity
from yangpu_portal import freshness

pytestmark = pytest.mark.django_db

Q1 = (date(2026, 1, 1), date(2026, 4, 1))
AFTER_Q1 = date(2026, 5, 10)


def hold(by, branch, kind, when: datetime, approve=True):
    activity = make_activity(by=by, host=branch, kind=kind, start=when)
    minutes = actions.minutes_save(
        activity=activity, by=by, chair="甲", recorder="乙", topic="议题", content="内容"
    )
    if approve:
        actions.minutes_approve(minutes=minutes, by=by)
    return activity


def at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 19, 0))


def cells_of(board, branch):
    row = next(r for r in board.rows if r.branch == branch)
    return {f"{c.rule.kind}:{c.period.label}": c.status for c in row.cells}


def test_rules_are_seeded_by_migration():
    rules = dict(ComplianceRule.objects.values_list("kind", "period"))
    assert rules == {
        "branch_assembly": "quarter",
        "branch_committee": "month",
        "group_meeting": "month",
        "party_lecture": "quarter",
    }


def test_held_overdue_and_awaiting(enterprise_organizer, rider_branch, enterprise_committee):
    other = organization_create(
        parent=enterprise_committee, name="职能党支部", kind=OrganizationKind.BRANCH
    )
    held = hold(enterprise_organizer, rider_branch, "branch_committee", at(2026, 2, 10))
    hold(enterprise_organizer, rider_branch, "branch_assembly", at(2026, 3, 5), approve=False)
    board = compliance.compute(compliance.branches_for(enterprise_organizer), *Q1, today=AFTER_Q1)

    cells = cells_of(board, rider_branch)
    assert cells["branch_committee:2026-02"] == "held"
    assert cells["branch_committee:2026-01"] == "overdue"
    assert cells["branch_assembly:2026Q1"] == "awaiting"
    assert set(cells_of(board, other).values()) == {"overdue"}
    row = next(r for r in board.rows if r.branch == rider_branch)
    assert next(c for c in row.cells if c.status == "held").activity_id == held.pk
    # 2 branches x (3 + 3 months + 2 quarters) = 16 due cells, 1 held.
    assert (board.district.due, board.district.held) == (16, 1)


def test_current_period_is_open_not_overdue(enterprise_organizer, rider_branch):
    board = compliance.compute(
        compliance.branches_for(enterprise_organizer), *Q1, today=date(2026, 2, 15)
    )
    cells = cells_of(board, rider_branch)
    assert cells["branch_committee:2026-01"] == "overdue"
    assert cells["branch_committee:2026-02"] == "open"
    assert cells["branch_committee:2026-03"] == "upcoming"
    assert cells["branch_assembly:2026Q1"] == "open"


def test_a_rule_switched_off_in_the_admin_disappears(enterprise_organizer, rider_branch):
    ComplianceRule.objects.filter(kind="group_meeting").update(is_active=False)
    board = compliance.compute(compliance.branches_for(enterprise_organizer), *Q1, today=AFTER_Q1)
    assert not any(k.startswith("group_meeting") for k in cells_of(board, rider_branch))


def add_branches_in_bulk(parent, street, names):
    """Branches under `parent` in one INSERT, with the materialized paths treebeard would give
    them (one `organization_create` per branch would cost minutes for 300)."""
    parent = Organization.objects.get(pk=parent.pk)
    depth = parent.depth + 1
    rows = [
        Organization(
            name=name,
            kind=OrganizationKind.BRANCH,
            street=street,
            depth=depth,
            path=Organization._get_path(parent.path, depth, parent.numchild + i + 1),
        )
        for i, name in enumerate(names)
    ]
    Organization.objects.bulk_create(rows)
    Organization.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(rows))


def test_board_for_300_branches_over_4_quarters_in_constant_queries(
    district_admin, committee_a, street_a, django_assert_num_queries
):
    year = (date(2025, 1, 1), date(2026, 1, 1))
    for n in range(3):
        organization_create(
            parent=committee_a, name=f"支部{n}", kind=OrganizationKind.BRANCH, street=street_a
        )
    district_admin.has_perm("services.view_activity")  # permissions cached, as in a request
    with django_assert_num_queries(3) as small:  # the rules, the branches, the one GROUP BY
        board = compliance.compute(
            compliance.branches_for(district_admin), *year, today=date(2026, 1, 5)
        )
    assert len(board.rows) == 3
    add_branches_in_bulk(committee_a, street_a, [f"支部{n}" for n in range(3, 300)])
    branch = compliance.branches_for(district_admin).first()
    hold(district_admin, branch, "party_lecture", at(2025, 5, 1))

    with django_assert_num_queries(len(small.captured_queries)):
        board = compliance.compute(
            compliance.branches_for(district_admin), *year, today=date(2026, 1, 5)
        )
    assert len(board.rows) == 300
    assert len(board.rows[0].cells) == 12 + 12 + 4 + 4
    assert board.district.due == 300 * 32
    assert board.district.held == 1


BOARD_STATUS = {
    "anonymous": 302,
    "member": 403,
    "station_staff": 403,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "outsider": 200,
    "district_admin": 200,
    "auditor": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_board_page_by_persona(persona, as_persona, client, rider_branch, committee_b):
    joint_b = organization_create(
        parent=committee_b, name="殷行联合党支部", kind=OrganizationKind.BRANCH
    )
    as_persona(persona)
    response = client.get(reverse("services:compliance-board"), {"year": 2026, "quarter": 1})
    assert response.status_code == BOARD_STATUS[persona]
    if response.status_code != 200:
        return
    html = response.content.decode()
    sees_rider = persona in ("enterprise_organizer", "district_admin")
    assert (f'data-branch="{rider_branch.pk}"' in html) is sees_rider
    assert (f'data-branch="{joint_b.pk}"' in html) is (persona in ("outsider", "district_admin"))


def test_board_page_links_minutes_and_lists_overdue(client, enterprise_organizer, rider_branch):
    held = hold(
        enterprise_organizer, rider_branch, "branch_committee", timezone.now() - timedelta(hours=3)
    )
    client.force_login(enterprise_organizer)
    html = client.get(reverse("services:compliance-board")).content.decode()
    assert reverse("services:minutes", args=[held.pk]) in html
    assert "逾期清单" in html
    html = client.get(
        reverse("services:compliance-board"), {"year": "x", "quarter": "9"}
    ).content.decode()
    assert "三会一课落实情况" in html


def test_board_query_count_at_two_sizes(
    client, district_admin, committee_a, street_a, django_assert_num_queries
):
    organization_create(
        parent=committee_a, name="支部A", kind=OrganizationKind.BRANCH, street=street_a
    )
    client.force_login(district_admin)
    url = reverse("services:compliance-board")
    # Issue 10: the board is cached; this measures the miss, which computes and renders it.
    # Sign-in (5), the branch ids of the scope, the generation, the cached entry, the rules,
    # the branches, the GROUP BY, the street choices, and storing the entry (5).
    freshness.generations(freshness.COMPLIANCE)
    with django_assert_num_queries(17) as small:
        client.get(url, {"year": 2026, "quarter": 1})
    for n in range(20):
        organization_create(
            parent=committee_a, name=f"支部{n}", kind=OrganizationKind.BRANCH, street=street_a
        )
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url, {"year": 2026, "quarter": 1}).content.decode()
    assert html.count("data-branch=") == 21
    # A hit: sign-in, the scope's ids, the generation, the entry, the street choices.
    with django_assert_num_queries(9):
        again = client.get(url, {"year": 2026, "quarter": 1}).content.decode()
    assert again.count("data-branch=") == 21
