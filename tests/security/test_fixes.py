"""Bugs the security suites found, each pinned by a test of its own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from services import actions
from services.models import MinutesAmendment
from tests.services.conftest import make_activity


@pytest.mark.django_db
def test_the_security_admin_has_no_day_to_day_scope(client, security_admin, station_a):
    """It held view_street/organization/station for the admin's pickers, which made it a
    district-wide manager of stations, activities, minutes and reports."""
    from branches.models import Street

    client.force_login(security_admin)
    assert client.get(reverse("stations:console")).status_code == 403
    console = reverse("stations:console-station", args=[station_a.pk])
    assert client.get(console).status_code == 404
    assert Street.objects.exists() and not Street.objects.organized_by(security_admin).exists()
    assert not security_admin.has_perm("stations.view_station")
    # Its own work still works: the station picker of a staff assignment lists the stations.
    page = client.get(reverse("admin:stations_stationstaff_add")).content.decode()
    assert f'<option value="{station_a.pk}">' in page


@pytest.mark.django_db
def test_a_nul_byte_in_an_amendment_is_a_message_not_a_server_error(
    client, enterprise_organizer, rider_branch, station_a
):
    held = make_activity(
        by=enterprise_organizer,
        host=rider_branch,
        station=station_a,
        start=timezone.now() - datetime.timedelta(days=1),
    )
    minutes = actions.minutes_save(
        activity=held,
        by=enterprise_organizer,
        chair="李强",
        recorder="王芳",
        topic="学习",
        content="内容",
    )
    actions.minutes_approve(minutes=minutes, by=enterprise_organizer)
    client.force_login(enterprise_organizer)
    response = client.post(
        reverse("services:minutes-amend", args=[held.pk]), {"text": "更正\x00"}, follow=True
    )
    assert response.status_code == 200
    assert "空字符" in response.content.decode() or "Null characters" in response.content.decode()
    assert not MinutesAmendment.objects.exists()


@pytest.mark.django_db
def test_the_session_list_renders(client, member):
    """allauth's /accounts/sessions/ needs django.contrib.humanize (it crashed without)."""
    client.force_login(member)
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200
    assert "sessions" in response.content.decode() or "会话" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["activity-cancel", "leave-create"])
def test_a_nul_byte_in_a_reason_is_a_message_not_a_server_error(
    action, client, enterprise_organizer, member, rider_branch, station_a
):
    """Cancelling an activity and asking for leave read the reason straight from the request
    (the cancellation cut it to 200 characters, keeping an early NUL byte)."""
    from services.models import Activity, LeaveRequest

    meeting = make_activity(by=enterprise_organizer, host=rider_branch, station=station_a)
    client.force_login(enterprise_organizer if action == "activity-cancel" else member)
    response = client.post(
        reverse(f"services:{action}", args=[meeting.pk]), {"reason": "病\x00假"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "空字符" in html or "Null characters" in html
    assert Activity.objects.get(pk=meeting.pk).status == meeting.status
    assert not LeaveRequest.objects.exists()


@pytest.mark.django_db
def test_an_admin_autocomplete_with_a_malformed_id_is_a_form_error(client, district_admin):
    """Django's autocomplete widget looked the submitted value up again while rendering the
    errors, and "abc" for an integer id raised (500)."""
    from branches.models import Pairing

    client.force_login(district_admin)
    response = client.post(
        reverse("admin:branches_pairing_add"),
        {"organization": "abc", "street": "1x", "community": "鞍山", "started_on": "2025-01-02"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Pairing.objects.exists()
