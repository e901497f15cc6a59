"""The remaining pages by persona, and query counts of the member's lists at two sizes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Member
from services import actions
from services.models import ActivityStatus, Notification
from tests.conftest import PERSONAS
from tests.services.conftest import make_activity

pytestmark = pytest.mark.django_db

SIGNED_IN_200 = dict.fromkeys(PERSONAS, 200) | {"anonymous": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_inbox_and_my_activities_by_persona(persona, as_persona, client):
    as_persona(persona)
    for name in ("services:inbox", "services:my-activities"):
        response = client.get(reverse(name))
        assert response.status_code == SIGNED_IN_200[persona]
        if persona == "anonymous":
            assert reverse("account_login") in response["Location"]
        else:
            assert "<h1>" in response.content.decode()


CREATE_STATUS = {
    "anonymous": 302,
    "member": 403,
    "station_staff": 200,
    "street_organizer": 200,
    "enterprise_organizer": 200,
    "outsider": 200,
    "district_admin": 200,
    "auditor": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_page_by_persona(persona, as_persona, client, rider_branch):
    as_persona(persona)
    response = client.get(reverse("services:activity-create"))
    assert response.status_code == CREATE_STATUS[persona]
    if response.status_code == 200:
        assert 'name="host_organization"' in response.content.decode()


PUBLISH_STATUS = {
    "anonymous": 302,
    "member": 404,  # a draft is not shown to members
    "station_staff": 302,
    "street_organizer": 302,
    "enterprise_organizer": 302,
    "outsider": 404,
    "district_admin": 302,
    "auditor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_publish_by_persona(
    persona, as_persona, client, enterprise_organizer, rider_branch, station_a, member
):
    draft = make_activity(
        by=enterprise_organizer, host=rider_branch, station=station_a, publish=False
    )
    as_persona(persona)
    url = reverse("services:activity-publish", args=[draft.pk])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url)
    assert response.status_code == PUBLISH_STATUS[persona]
    draft.refresh_from_db()
    published = persona not in ("anonymous", "member", "outsider", "auditor")
    assert (draft.status == ActivityStatus.PUBLISHED) is published
    if persona == "anonymous":
        assert reverse("account_login") in response["Location"]


def test_inbox_query_count_at_two_sizes(client, member, meeting, django_assert_num_queries):
    def add(n):
        actions.notification_send(user_ids=[member.pk] * 1, title="t", activity=meeting)
        for _ in range(n - 1):
            actions.notification_send(user_ids=[member.pk], title="t", activity=meeting)

    add(1)
    client.force_login(member)
    with django_assert_num_queries(5) as small:  # session, user, count, page, roles+unread
        client.get(reverse("services:inbox"))
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(reverse("services:inbox")).content.decode()
    assert html.count("data-notification=") == 21
    assert Notification.objects.count() == 21


def test_my_activities_query_count_at_two_sizes(
    client, member, enterprise_organizer, rider_branch, station_a, committee_a, station_staff,
    django_assert_num_queries,
):  # fmt: skip
    def add(n):
        for _ in range(n):
            public = make_activity(
                by=station_staff, host=committee_a, station=station_a, audience="public",
                kind="care", title="关爱",
            )  # fmt: skip
            actions.signup_create(activity=public, by=member)
            past = make_activity(
                by=enterprise_organizer, host=rider_branch, station=station_a,
                start=timezone.now() - timedelta(days=2),
            )  # fmt: skip
            actions.attendance_mark(
                activity=past, by=enterprise_organizer,
                entries=[{"member": Member.objects.get(user=member), "status": "present"}],
            )  # fmt: skip
            make_activity(by=enterprise_organizer, host=rider_branch, station=station_a)

    add(1)
    client.force_login(member)
    url = reverse("services:my-activities")
    with django_assert_num_queries(7) as small:
        client.get(url)
    add(8)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("关爱") == 9


def test_attendance_sheet_query_count_at_two_sizes(
    client, enterprise_organizer, meeting, street_a, rider_branch, django_assert_num_queries
):
    from tests.conftest import make_member

    client.force_login(enterprise_organizer)
    url = reverse("services:attendance-sheet", args=[meeting.pk])
    make_member(street=street_a, name="甲", organization=rider_branch)
    # session, user, member, 2 permission sets, 3 scope lookups, the activity, the manage
    # check, roster, attendance, leave, roles+unread.
    with django_assert_num_queries(14) as small:
        client.get(url)
    for n in range(15):
        make_member(street=street_a, name=f"乙{n}", organization=rider_branch)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("data-member=") == 16
