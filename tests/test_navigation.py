"""Each persona sees the navigation its roles allow, and nothing more."""

import re

import pytest
from django.urls import reverse

NAV_KEYS = re.compile(r'data-nav="([a-z]+)"')

# The bar in display order: everyday pages, the programs menu, the organizers' work menu, desks.
BAR = ["home", "stations", "activities"]
PUBLIC_PROGRAMS = ["courses", "routes", "benefits", "honours"]  # issue 6
WORK = [
    "tree",
    "roster",
    "outlets",
    "compliance",
    "triage",
    "volunteer",
    "aidreview",
    "nominations",
    "erasure",
]
MANAGER_PROGRAMS = ["courses", "routes", "benefits", "career", "honours"]
MANAGER = [*BAR, "reports", *MANAGER_PROGRAMS, *WORK]
# Issue 3: contact visits for district admins and full-time workers, after the outlets.
DISTRICT = [
    *MANAGER[: MANAGER.index("outlets") + 1],
    "visits",
    *MANAGER[MANAGER.index("outlets") + 1 :],
]
EXPECTED = {
    "anonymous": [*BAR, "reports", *PUBLIC_PROGRAMS],
    "member": [*BAR, "reports", "passport", "courses", "routes", "benefits", "aid", "career",
               "honours", "mydata"],
    "station_staff": [*BAR, "console", "reports", *PUBLIC_PROGRAMS],
    "street_organizer": [*MANAGER, "dashboard"],
    "enterprise_organizer": MANAGER,
    "outsider": [*MANAGER, "dashboard"],
    "district_admin": [*DISTRICT, "dashboard", "admin"],
    "auditor": [*BAR, "reports", *PUBLIC_PROGRAMS, "audit"],
}  # fmt: skip


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
def test_benefit_provider_staff_see_the_redeem_page(client, station_staff):
    """Issue 6: staff of a benefit provider (here the station's) get 优惠核销."""
    from services.benefits import BenefitProvider

    BenefitProvider.objects.create(name="健身房").staff.add(station_staff)
    client.force_login(station_staff)
    html = client.get(reverse("home")).content.decode()
    assert "redeem" in NAV_KEYS.findall(html)
    assert client.get(reverse("services:benefit-redeem")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["member", "station_staff", "street_organizer", "district_admin", "auditor", "system_admin"],
)
def test_roles_from_the_compiled_query_match_the_orm(persona, request, django_assert_num_queries):
    """roles_of runs the roles query from SQL compiled once: the same answer as the ORM
    query, in one query, whoever asks (and a fresh user object asks the database again)."""
    from django.contrib.auth import get_user_model

    from services.models import Notification
    from yangpu_portal.navigation import Roles, _roles_query, roles_of

    user = request.getfixturevalue(persona)
    Notification.objects.create(user=user, title="通知", body="内容")
    orm = _roles_query(user.pk).get()
    orm.pop("pk")
    fresh = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        roles = roles_of(fresh)
        assert roles_of(fresh) is roles
    assert roles == Roles(**orm)
    assert roles.unread_notifications == 1
    assert getattr(roles, persona if persona != "street_organizer" else "organizer")


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
