"""seed_demo exercises this issue's features: histories, a correction, a pending transfer,
pairings."""

import io

import pytest
from django.core.management import call_command

from branches.models import (
    ContactVisit,
    Instructor,
    MemberStatusChange,
    Pairing,
    Transfer,
    TransferStatus,
)


@pytest.mark.django_db
def test_demo_has_histories_a_correction_a_pending_transfer_and_pairings():
    call_command("seed_demo", stdout=io.StringIO())
    assert MemberStatusChange.objects.count() == 10
    assert MemberStatusChange.objects.filter(is_correction=True).count() == 1
    transfer = Transfer.objects.get()
    assert transfer.status == TransferStatus.PENDING
    assert transfer.to_organization.street.slug == "wujiaochang"
    assert Pairing.objects.count() == 3


@pytest.mark.django_db
def test_demo_visits_leave_an_enterprise_uncovered(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--with-demo-users", stdout=io.StringIO())
    call_command("seed_demo", "--with-demo-users", stdout=io.StringIO())
    assert ContactVisit.objects.count() == 3  # run twice: still two enterprise visits, one station
    assert (
        ContactVisit.objects.filter(target_kind="place", place__station__isnull=False).count() == 1
    )
    assert Instructor.objects.count() == 2
