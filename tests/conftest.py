"""Shared fixtures: a small world of two streets, and the personas who use the portal.

Street A (五角场街道) is where everyone in scope lives; street B (殷行街道) is the outsider's.
"""

import itertools
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from branches.actions import member_create, organization_create
from branches.models import (
    Enterprise,
    OccupationGroup,
    OrganizationKind,
    OrganizerAssignment,
    OrganizerRole,
    PoliticalStatus,
    Street,
)
from branches.roles import AUDITOR_GROUP, DISTRICT_ADMIN_GROUP
from stations.actions import staff_assign, station_create
from stations.models import StationKind
from tests.browser.conftest import IN_CI
from tests.browser.conftest import missing as browser_support_missing
from yangpu_portal.actions import consent_give

PASSWORD = "Correct-Horse-2026"


# --- Browser tests: skipped with a note when Chromium is missing, a failure in CI ------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    reason = browser_support_missing()
    browser_items = [item for item in items if "tests/browser/" in item.nodeid]
    if not reason or not browser_items:
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true but the browser tests cannot run: {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"{BROWSER_SKIP}: {reason}"))


BROWSER_SKIP = "browser tests skipped"


def pytest_terminal_summary(terminalreporter):
    """Said at the end of `make test`, also when the tests ran in parallel workers (the skips
    are counted from the reports the controller received)."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if BROWSER_SKIP in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {len(skipped)} browser tests were SKIPPED: {browser_support_missing()}.",
            yellow=True,
            bold=True,
        )


_phones = itertools.count(10000000001)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in English (the language switch
    tests) leaves its language active in the thread, which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# A fixed authenticator-app secret for the personas whose roles require two-factor sign-in.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_user(username, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    return user


def with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code(secret=TOTP_SECRET) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def street_a(db):
    return Street.objects.create(name="五角场街道", slug="wujiaochang", sort_order=10)


@pytest.fixture
def street_b(db):
    return Street.objects.create(name="殷行街道", slug="yinhang", sort_order=8)


@pytest.fixture
def enterprise(db):
    return Enterprise.objects.create(name="美团(上海)", short_name="美团", sector="food_delivery")


@pytest.fixture
def district_org(db):
    return organization_create(
        parent=None, name="中共上海市杨浦区委", kind=OrganizationKind.DISTRICT
    )


@pytest.fixture
def committee_a(district_org, street_a):
    return organization_create(
        parent=district_org,
        name="五角场街道党工委",
        kind=OrganizationKind.STREET_COMMITTEE,
        street=street_a,
    )


@pytest.fixture
def committee_b(district_org, street_b):
    return organization_create(
        parent=district_org,
        name="殷行街道党工委",
        kind=OrganizationKind.STREET_COMMITTEE,
        street=street_b,
    )


@pytest.fixture
def enterprise_committee(district_org, enterprise, street_a):
    return organization_create(
        parent=district_org,
        name="美团(上海)党委",
        kind=OrganizationKind.ENTERPRISE_COMMITTEE,
        enterprise=enterprise,
        street=street_a,
    )


@pytest.fixture
def rider_branch(enterprise_committee, enterprise, street_a):
    return organization_create(
        parent=enterprise_committee,
        name="外卖骑手党支部",
        kind=OrganizationKind.BRANCH,
        enterprise=enterprise,
        street=street_a,
        group_served=OccupationGroup.RIDER,
    )


def make_member(*, street, name="张伟", organization=None, user=None, **fields):
    status = fields.pop(
        "political_status",
        PoliticalStatus.FULL if organization is not None else PoliticalStatus.MASSES,
    )
    return member_create(
        name=name,
        gender=fields.pop("gender", "male"),
        phone=str(next(_phones)),
        occupation=fields.pop("occupation", OccupationGroup.RIDER),
        street=street,
        organization=organization,
        political_status=status,
        user=user,
        **fields,
    )


def make_station(*, street, name="五角场HUI新屋", **fields):
    return station_create(
        name=name,
        kind=fields.pop("kind", StationKind.PARTY_SERVICE),
        street=street,
        address=fields.pop("address", "国定路 1 号"),
        latitude=fields.pop("latitude", 31.2995),
        longitude=fields.pop("longitude", 121.5145),
        **fields,
    )


@pytest.fixture
def station_a(street_a):
    return make_station(street=street_a)


@pytest.fixture
def station_b(street_b):
    return make_station(street=street_b, name="殷行HUI新屋", latitude=31.3243, longitude=121.5245)


# --- Personas ------------------------------------------------------------------------------------


@pytest.fixture
def district_admin(db):
    user = make_user("district", is_staff=True)
    user.groups.add(Group.objects.get(name=DISTRICT_ADMIN_GROUP))
    return with_totp(user)


@pytest.fixture
def auditor(db):
    user = make_user("auditor", is_staff=True)
    user.groups.add(Group.objects.get(name=AUDITOR_GROUP))
    return with_totp(user)


@pytest.fixture
def street_organizer(street_a):
    user = make_user("wujiaochang")
    OrganizerAssignment.objects.create(user=user, role=OrganizerRole.STREET, street=street_a)
    return user


@pytest.fixture
def enterprise_organizer(enterprise_committee):
    user = make_user("meituan")
    OrganizerAssignment.objects.create(
        user=user, role=OrganizerRole.ENTERPRISE, organization=enterprise_committee
    )
    return user


@pytest.fixture
def outsider(street_b):
    """A street organizer of street B: signed in, with a scope that is not street A's."""
    user = make_user("yinhang")
    OrganizerAssignment.objects.create(user=user, role=OrganizerRole.STREET, street=street_b)
    return user


@pytest.fixture
def station_staff(station_a):
    user = make_user("station")
    staff_assign(station=station_a, user=user)
    return user


@pytest.fixture
def member(street_a, rider_branch):
    """A rider, party member of the 外卖骑手党支部, with a login, who consented to the privacy
    notice when registering (issue 9: no check-in is stored without it)."""
    user = make_user("rider")
    make_member(street=street_a, name="李强", organization=rider_branch, user=user)
    consent_give(user=user, by=user)
    return user


PERSONAS = [
    "anonymous",
    "member",
    "station_staff",
    "street_organizer",
    "enterprise_organizer",
    "outsider",
    "district_admin",
    "auditor",
]


@pytest.fixture
def as_persona(request, client):
    """`as_persona("street_organizer")` signs the test client in as that persona."""

    def sign_in(name):
        if name == "anonymous":
            return None
        user = request.getfixturevalue(name)
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def system_admin(db):
    from branches.roles import SYSTEM_ADMIN_GROUP

    user = make_user("sysadmin", is_staff=True)
    user.groups.add(Group.objects.get(name=SYSTEM_ADMIN_GROUP))
    return with_totp(user)


@pytest.fixture
def security_admin(db):
    from branches.roles import SECURITY_ADMIN_GROUP

    user = make_user("secadmin", is_staff=True)
    user.groups.add(Group.objects.get(name=SECURITY_ADMIN_GROUP))
    return with_totp(user)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Once Playwright's sync API runs (greenlets, each with its own context), Django may hand
    a test a new connection wrapper, which lacks the snapshot that serialized rollback restores
    (`_test_serialized_contents`, set on the first wrapper at database creation): the role
    groups and other migrated rows would then be gone after any earlier transactional test. The
    snapshot is put on the wrapper class, so every wrapper restores it."""
    from django.db import connections

    for alias in connections:
        wrapper = connections[alias]
        if hasattr(wrapper, "_test_serialized_contents"):
            type(wrapper)._test_serialized_contents = wrapper._test_serialized_contents


@pytest.fixture(scope="class")
def demo_district(django_db_setup, django_db_blocker):
    """`seed_demo --with-demo-users` once for a test class, rolled back after its last test:
    each test runs in a savepoint inside this transaction, so the seeded district is shared
    and seeding (several seconds) is paid once, not per test. Gives the command's output."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            with override_settings(DEBUG=True):
                call_command("seed_demo", "--with-demo-users", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
