"""Each persona sees the navigation its roles allow, and nothing more."""

import re

import pytest
from django.urls import reverse

NAV_KEYS = re.compile(r'data-nav="([a-z]+)"')

ORGANIZER = ["tree", "roster", "outlets", "compliance"]
EXPECTED = {
    "anonymous": ["home", "stations", "activities", "reports"],
    "member": ["home", "stations", "activities", "reports"],
    "station_staff": ["home", "stations", "activities", "console", "reports"],
    "street_organizer": ["home", "stations", "activities", *ORGANIZER, "reports", "triage"],
    "enterprise_organizer": ["home", "stations", "activities", *ORGANIZER, "reports", "triage"],
    "outsider": ["home", "stations", "activities", *ORGANIZER, "reports", "triage"],
    "district_admin": [
        "home",
        "stations",
        "activities",
        "tree",
        "roster",
        "outlets",
        "visits",
        "compliance",
        "reports",
        "triage",
        "admin",
    ],
    "auditor": ["home", "stations", "activities", "reports", "audit"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_sees_its_own_navigation(persona, as_persona, client):
    as_persona(persona)
    html = client.get(reverse("home")).content.decode()
    assert NAV_KEYS.findall(html) == EXPECTED[persona]


@pytest.mark.django_db
def test_every_navigation_link_opens_for_its_persona(as_persona, client):
    """No persona is shown a link that then refuses them."""
    for persona in EXPECTED:
        client.logout()
        as_persona(persona)
        html = client.get(reverse("home")).content.decode()
        for url in re.findall(r'<li><a href="([^"]+)" data-nav=', html):
            response = client.get(url)
            assert response.status_code == 200, (persona, url, response.status_code)


@pytest.mark.django_db
def test_signed_in_header_offers_password_change_and_sign_out(as_persona, client):
    as_persona("member")
    html = client.get(reverse("home")).content.decode()
    assert reverse("account_change_password") in html
    assert f'action="{reverse("account_logout")}"' in html


@pytest.mark.django_db
def test_anonymous_header_offers_sign_in(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("account_login")}?next=/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["branches:organization-tree", "branches:member-list", "stations:console"]
)
def test_anonymous_is_sent_to_sign_in_from_staff_pages(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "district_admin"])
def test_navigation_costs_one_query_whatever_the_roles(
    persona, as_persona, client, django_assert_num_queries
):
    as_persona(persona)
    # session, user, all roles at once, and the home page's four public counters
    with django_assert_num_queries(7):
        client.get(reverse("home"))


@pytest.mark.django_db
def test_full_time_worker_gets_the_visits_link_and_it_opens(client, street_a):
    """Issue 3: full-time workers (专职党群工作者) reach their visit list from the bar."""
    from branches.models import OrganizerAssignment
    from tests.conftest import make_user

    worker = make_user("worker")
    OrganizerAssignment.objects.create(user=worker, role="worker", street=street_a)
    client.force_login(worker)
    html = client.get(reverse("home")).content.decode()
    assert "visits" in NAV_KEYS.findall(html)
    response = client.get(reverse("branches:visit-list"))
    assert "还没有走访记录" in response.content.decode()
