import pytest
from django.contrib.auth.models import Group


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_x(street_a):
    assert Group.objects.count() >= 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_y(street_a):
    assert Group.objects.count() >= 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_z(live_server, street_a):
    assert Group.objects.count() >= 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_w(street_a):
    assert Group.objects.count() >= 2
