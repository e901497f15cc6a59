"""Fixtures for activities: a meeting of the rider branch at station A, in the future."""

from datetime import timedelta

import pytest
from django.utils import timezone

from services.actions import activity_create
from services.models import ActivityKind, Audience, Program
from tests.conftest import make_member, make_user


def make_activity(*, by, host, station=None, start=None, publish=True, **fields):
    start = start or timezone.now() + timedelta(days=3)
    venue = {"station": station} if station else {"address": fields.pop("address", "国定路 1 号")}
    return activity_create(
        by=by,
        publish=publish,
        title=fields.pop("title", "支部委员会"),
        kind=fields.pop("kind", ActivityKind.BRANCH_COMMITTEE),
        program=fields.pop("program", Program.IDEOLOGY),
        host_organization=host,
        start=start,
        end=fields.pop("end", start + timedelta(hours=2)),
        audience=fields.pop("audience", Audience.ORGANIZATION),
        **venue,
        **fields,
    )


@pytest.fixture
def meeting(enterprise_organizer, rider_branch, station_a):
    """A published 支部委员会 of the rider branch at station A, three days from now."""
    return make_activity(by=enterprise_organizer, host=rider_branch, station=station_a)


@pytest.fixture
def public_activity(station_staff, committee_a, station_a):
    return make_activity(
        by=station_staff,
        host=committee_a,
        station=station_a,
        title="骑手健康体检",
        kind=ActivityKind.HEALTH_CHECK,
        program=Program.HEALTH,
        audience=Audience.PUBLIC,
    )


@pytest.fixture
def second_rider(street_a, rider_branch):
    user = make_user("rider2")
    make_member(street=street_a, name="王芳", organization=rider_branch, user=user)
    return user


@pytest.fixture
def worker(street_a):
    """A non-party courier with a login."""
    user = make_user("courier")
    make_member(street=street_a, name="赵磊", user=user)
    return user
