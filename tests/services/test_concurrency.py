"""Two people take the last place at the same moment: one gets it, the other is waitlisted.
Needs real row locks, so it runs on PostgreSQL only (SQLite serializes writers anyway)."""

import threading

import pytest
from django.db import connection, connections

from services import actions
from services.models import Activity, Signup, SignupStatus


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_racing_for_the_last_place(public_activity, member, second_rider):
    Activity.objects.filter(pk=public_activity.pk).update(capacity=1)
    barrier = threading.Barrier(2)
    errors = []

    def sign_up(user):
        try:
            barrier.wait(timeout=5)
            actions.signup_create(activity=public_activity, by=user)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(u,)) for u in (member, second_rider)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert errors == []
    statuses = sorted(Signup.objects.values_list("status", flat=True))
    assert statuses == sorted([SignupStatus.CONFIRMED, SignupStatus.WAITLISTED])
