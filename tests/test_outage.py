"""The 503 page and the circuit breaker while the database is unreachable (yangpu_portal/outage.py).

The outage is simulated with `connection.execute_wrapper`: every query of the request fails the
way psycopg fails when PostgreSQL is down (an OperationalError without a SQLSTATE)."""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.urls import reverse

from yangpu_portal import outage
from yangpu_portal.outage import CircuitBreaker, is_database_outage


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def django_error(cls, cause=None):
    error = cls("simulated")
    error.__cause__ = cause
    return error


class TestIsDatabaseOutage:
    @pytest.mark.parametrize(
        "error",
        [
            django_error(OperationalError),  # refused, reset, pool timeout: no SQLSTATE
            django_error(OperationalError, psycopg.OperationalError("connection refused")),
            django_error(InterfaceError),  # connection already closed
        ],
    )
    def test_connection_failures_are_outages(self, error):
        assert is_database_outage(error)

    @pytest.mark.parametrize("sqlstate", ["08006", "08001", "57P01", "57P03"])
    def test_server_shutdown_and_connection_states_are_outages(self, sqlstate):
        cause = psycopg.OperationalError("server closed")
        cause.sqlstate = sqlstate
        assert is_database_outage(django_error(OperationalError, cause))

    def test_deadlock_and_integrity_errors_are_not_outages(self):
        deadlock = psycopg.errors.DeadlockDetected("deadlock")
        deadlock.sqlstate = "40P01"
        assert not is_database_outage(django_error(OperationalError, deadlock))
        assert not is_database_outage(django_error(IntegrityError))
        assert not is_database_outage(django_error(DatabaseError))
        assert not is_database_outage(ValueError("x"))
        assert not is_database_outage(None)


class TestCircuitBreaker:
    def test_closed_breaker_lets_everything_through(self):
        breaker = CircuitBreaker(retry_seconds=1, clock=FakeClock())
        assert breaker.allow() == (True, False)
        assert not breaker.is_open

    def test_failure_opens_until_the_retry_time_then_one_trial_goes_through(self):
        clock = FakeClock()
        breaker = CircuitBreaker(retry_seconds=2, clock=clock)
        breaker.record_failure()
        assert breaker.allow() == (False, False)
        clock.now += 1.9
        assert breaker.allow() == (False, False)
        clock.now += 0.2
        assert breaker.allow() == (True, True)
        # While the trial runs, everyone else still gets the 503 page.
        assert breaker.allow() == (False, False)

    def test_successful_trial_closes(self):
        clock = FakeClock()
        breaker = CircuitBreaker(retry_seconds=1, clock=clock)
        breaker.record_failure()
        clock.now += 1
        assert breaker.allow() == (True, True)
        breaker.record_success(trial=True)
        assert not breaker.is_open
        assert breaker.allow() == (True, False)

    def test_failed_trial_opens_again_for_a_full_retry_time(self):
        clock = FakeClock()
        breaker = CircuitBreaker(retry_seconds=1, clock=clock)
        breaker.record_failure()
        clock.now += 1
        breaker.allow()
        breaker.record_failure()
        clock.now += 0.5
        assert breaker.allow() == (False, False)
        clock.now += 0.5
        assert breaker.allow() == (True, True)

    def test_success_of_a_request_started_before_the_outage_does_not_close(self):
        breaker = CircuitBreaker(retry_seconds=1, clock=FakeClock())
        breaker.record_failure()
        breaker.record_success(trial=False)
        assert breaker.is_open


@pytest.fixture
def clock(monkeypatch):
    """A fresh breaker with a clock the test moves (the module's breaker is process-wide)."""
    fake = FakeClock()
    monkeypatch.setattr(outage, "breaker", CircuitBreaker(retry_seconds=1, clock=fake))
    return fake


@pytest.fixture
def web(client):
    client.raise_request_exception = False  # see the 503/500 page a visitor would get
    return client


@contextmanager
def database_down():
    """Every query fails as with PostgreSQL stopped; yields a list of the attempts."""
    attempts = []

    def refuse(execute, sql, params, many, context):
        attempts.append(sql)
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        yield attempts


@pytest.mark.django_db
class TestOutagePage:
    def test_unreachable_database_gives_the_translated_503_page(self, web, clock):
        with database_down():
            response = web.get(reverse("home"))
        assert response.status_code == 503
        assert "系统正在维护" in response.text
        assert response["Retry-After"] == "1"
        assert "no-store" in response["Cache-Control"]
        assert outage.breaker.is_open

    def test_503_page_in_english_for_an_english_visitor(self, web, clock):
        with database_down():
            response = web.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
            again = web.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")  # breaker open
        for page in (response, again):
            assert page.status_code == 503
            assert "Under maintenance" in page.text
            assert "系统" not in page.text

    def test_open_breaker_answers_without_touching_the_database(self, web, clock):
        with database_down() as attempts:
            web.get(reverse("home"))
            tried = len(attempts)
            for url in (reverse("home"), reverse("stations:station-list"), reverse("healthz")):
                response = web.get(url)
                assert response.status_code == 503
                assert "系统正在维护" in response.text
        assert tried >= 1
        assert len(attempts) == tried

    def test_service_resumes_on_the_first_request_after_the_retry_time(self, web, clock):
        with database_down():
            web.get(reverse("home"))
        assert web.get(reverse("home")).status_code == 503  # still within the retry time
        clock.now += 1
        response = web.get(reverse("home"))
        assert response.status_code == 200
        assert "系统正在维护" not in response.text
        assert not outage.breaker.is_open

    def test_trial_first_drops_dead_pooled_connections(self, web, clock, monkeypatch):
        checks = []

        class Pool:
            closed = False

            def check(self):
                checks.append(1)

        monkeypatch.setattr(outage, "database_pool", Pool)
        with database_down():
            web.get(reverse("home"))
        web.get(reverse("home"))  # breaker open: no trial, no check
        assert checks == []
        clock.now += 1
        assert web.get(reverse("home")).status_code == 200
        assert checks == [1]

    def test_trial_during_the_outage_keeps_the_breaker_open(self, web, clock):
        with database_down() as attempts:
            web.get(reverse("home"))
            clock.now += 1
            before = len(attempts)
            assert web.get(reverse("home")).status_code == 503  # the trial: tries, fails
            assert len(attempts) > before
            assert web.get(reverse("home")).status_code == 503
        assert outage.breaker.is_open

    def test_other_database_errors_stay_500_and_do_not_open_the_breaker(self, web, clock):
        def broken(execute, sql, params, many, context):
            raise IntegrityError("duplicate key")

        with connection.execute_wrapper(broken):
            response = web.get(reverse("home"))
        assert response.status_code == 500
        assert "系统出了点问题" in response.text
        assert not outage.breaker.is_open
