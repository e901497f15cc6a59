"""Two members claim the last place of a benefit at the same moment, and one member claims
twice at once: exactly one claim is written each time. Needs real row locks, so PostgreSQL only."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from services import benefit_actions
from services.benefits import BenefitClaim, BenefitProvider
from tests.services.test_benefits import make_benefit


def race(benefit, users):
    barrier = threading.Barrier(len(users))
    refused, errors = [], []

    def claim(user):
        try:
            barrier.wait(timeout=5)
            benefit_actions.benefit_claim(benefit=benefit, by=user)
        except ValidationError as exc:
            refused.append(exc.messages[0])
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    return refused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_racing_for_the_last_place(member, second_rider):
    benefit = make_benefit(BenefitProvider.objects.create(name="健身房"), quota=1)
    refused = race(benefit, [member, second_rider])
    assert BenefitClaim.objects.filter(benefit=benefit).count() == 1
    assert refused == ["该优惠名额已领完。"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_member_claiming_twice_at_once(member):
    benefit = make_benefit(BenefitProvider.objects.create(name="健身房"), quota=5)
    refused = race(benefit, [member, member])
    assert BenefitClaim.objects.filter(benefit=benefit).count() == 1
    assert refused == ["您已领取过该优惠，不能重复领取。"]
