"""Bounded pagination of the long lists (issue 10)."""

import pytest
from django.urls import reverse

from tests.test_list_query_budgets import add_members
from yangpu_portal.pagination import BoundedPaginator


def test_pages_stop_at_the_bound_and_the_count_stays_exact():
    paginator = BoundedPaginator(list(range(10_000)), 50)
    assert paginator.count == 10_000
    assert paginator.num_pages == 100
    assert paginator.is_bounded
    page = paginator.get_page(400)
    assert page.number == 100 and not page.has_next()
    assert page.object_list[0] == 4_950
    small = BoundedPaginator(list(range(120)), 50)
    assert small.num_pages == 3 and not small.is_bounded


@pytest.mark.django_db
def test_roster_past_the_bound_shows_its_last_page(
    client, district_admin, street_a, rider_branch, monkeypatch
):
    monkeypatch.setattr(BoundedPaginator, "max_pages", 2)
    add_members(150, street=street_a, organization=rider_branch)
    client.force_login(district_admin)
    html = client.get(reverse("branches:member-list"), {"page": 9}).content.decode()
    assert "第 2 / 2 页" in html
    assert "共 150 人" in html
    assert "data-bounded" in html
