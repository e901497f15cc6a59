"""Issue 10: the bench-only floor view and `seed_bench`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse

from branches.models import Member, Organization, Street
from services.models import Activity, Attendance
from services.reports import Report
from stations.models import CheckIn, Station
from tests.conftest import PERSONAS, make_member
from yangpu_portal import benchdata

FLOOR = "/bench/floor"


@pytest.mark.django_db
def test_floor_is_a_404_unless_the_bench_setting_is_on(client):
    assert reverse("bench-floor") == FLOOR
    response = client.get(FLOOR)
    assert response.status_code == 404
    assert response.content != b"ok\n"


@pytest.mark.django_db
@override_settings(BENCH=True)
def test_floor_answers_without_a_query_when_the_bench_setting_is_on(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(FLOOR)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert client.post(FLOOR).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_floor_for_every_persona(persona, as_persona, client, settings):
    """Public like /healthz while the setting is on (no sign-in: the floor measures the
    framework); a 404 for everyone, signed in or not, while it is off."""
    as_persona(persona)
    assert client.get(FLOOR).status_code == 404
    settings.BENCH = True
    assert client.get(FLOOR).content == b"ok\n"
    assert client.put(FLOOR).status_code == 405


@pytest.mark.django_db
def test_seed_bench_is_refused_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_bench", "--scale", "0.01")
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_seed_bench_refuses_a_database_with_other_data(street_a):
    make_member(street=street_a, name="真实的人")
    with pytest.raises(CommandError, match="not bench data"):
        call_command("seed_bench", "--force", "--scale", "0.01")
    assert Member.objects.count() == 1
    assert not Station.objects.exists()


@pytest.mark.django_db
def test_seed_bench_fills_an_empty_database_with_spread_data():
    out = StringIO()
    call_command("seed_bench", "--force", "--scale", "0.01", stdout=out)
    assert "members 200" in out.getvalue()
    assert Street.objects.count() == 12
    assert Member.objects.count() == 200
    assert Station.objects.count() == 4
    assert Activity.objects.count() == 500
    assert Report.objects.count() == 200
    # 3,000 attendance rows and 2,000 check-ins at this scale (500,000 at scale 1).
    assert Attendance.objects.count() >= 3000
    assert CheckIn.objects.count() == 2000
    root = Organization.objects.get(depth=1)
    assert root.name == benchdata.BENCH_ROOT_NAME
    # The tree is well formed for treebeard: every child is under its parent's path.
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    # Busy streets are busier than quiet ones.
    per_street = dict(Street.objects.annotate(n=Count("members")).values_list("slug", "n"))
    assert per_street["wujiaochang"] > 2 * per_street["dinghailu"]
    rider = Member.objects.get(user__username="bench-rider")
    assert rider.is_party_member and rider.attendances.exists()
    # A second run writes nothing.
    again = StringIO()
    call_command("seed_bench", "--force", "--scale", "0.01", stdout=again)
    assert "already there" in again.getvalue()
    assert Member.objects.count() == 200
