"""seed_demo --with-demo-users also loads issue 5's demo activities, once."""

import io

import pytest
from django.core.management import call_command

from services.models import Activity, Attendance, Minutes, MinutesStatus


@pytest.mark.django_db
def test_demo_activities_with_attendance_and_minutes(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--with-demo-users", stdout=io.StringIO())
    committee = Activity.objects.get(title="支部委员会：研究骑手关爱工作")
    assert committee.host_organization.name == "外卖骑手党支部"
    assert committee.station.street.slug == "wujiaochang"
    assert Activity.objects.filter(audience="public").count() == 2
    assert Minutes.objects.filter(status=MinutesStatus.APPROVED).count() == 1
    assert Attendance.objects.filter(status="present").exists()

    before = Activity.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--with-demo-users", stdout=out)
    assert Activity.objects.count() == before
    assert "activities 7 (0 new)" in out.getvalue()
