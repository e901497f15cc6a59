"""The audit trail: what is recorded, that it cannot be changed, and the auditor's pages."""

import csv
import io
from datetime import timedelta
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AppendOnlyError, AuditEvent, Event, Outcome
from audit.record import record_event
from audit.views import safe_cell
from tests.conftest import PASSWORD

LIST = reverse("audit:event-list")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers exist on PostgreSQL"
)


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


@pytest.mark.django_db
class TestSignInEvents:
    def test_sign_in_is_recorded_with_actor_and_address(self, client, member):
        client.post(reverse("account_login"), {"login": "rider", "password": PASSWORD})
        [login] = events(event=Event.LOGIN)
        assert login.actor_username == "rider"
        assert login.actor_id == member.pk
        assert login.client_ip == "127.0.0.1"
        assert login.outcome == Outcome.SUCCESS

    def test_failed_sign_in_names_the_account_never_the_password(self, client, member):
        client.post(reverse("account_login"), {"login": "rider", "password": "Wrong-Pass-123"})
        [failed] = events(event=Event.LOGIN_FAILED)
        assert failed.actor_username == "rider"
        assert failed.outcome == Outcome.FAILURE
        assert "Wrong-Pass-123" not in str(failed.detail) + str(failed.changes)

    def test_sign_out_is_recorded(self, client, member):
        client.force_login(member)
        client.post(reverse("account_logout"))
        assert [e.actor_username for e in events(event=Event.LOGOUT)] == ["rider"]

    def test_password_change_is_recorded(self, client, member):
        client.force_login(member)
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "New-Bridge-2027",
                "password2": "New-Bridge-2027",
            },
        )
        assert [e.actor_username for e in events(event=Event.PASSWORD_CHANGE)] == ["rider"]


@pytest.mark.django_db
class TestAppendOnly:
    def test_records_cannot_be_changed_or_deleted_through_the_orm(self, member):
        record = record_event(event=Event.EXPORT, actor=member)
        record.outcome = Outcome.FAILURE
        with pytest.raises(AppendOnlyError):
            record.save()
        with pytest.raises(AppendOnlyError):
            record.delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=record.pk).update(outcome=Outcome.FAILURE)
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.get(pk=record.pk).outcome == Outcome.SUCCESS

    @postgres_only
    def test_the_database_refuses_update_and_delete(self, member):
        record = record_event(event=Event.EXPORT, actor=member)
        for sql in (
            "UPDATE audit_auditevent SET outcome = 'failure' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [record.pk])
        assert AuditEvent.objects.filter(pk=record.pk, outcome="success").exists()


@pytest.mark.django_db
class TestHashChain:
    def test_each_record_links_to_the_previous_one(self, member):
        first = record_event(event=Event.EXPORT, actor=member)
        second = record_event(event=Event.IMPORT, actor=member)
        assert second.prev_hash == first.hash
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        # The member fixture's own creates are recorded too (audit/changes.py).
        assert f"intact: {AuditEvent.objects.count()} records" in out.getvalue()

    def test_verification_names_an_edited_record(self, member):
        record_event(event=Event.EXPORT, actor=member)
        edited = record_event(event=Event.IMPORT, actor=member)
        record_event(event=Event.LOGIN, actor=member)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # tampering needs the owner to lift the guard
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(
                "UPDATE audit_auditevent SET actor_username = 'someone' WHERE id = %s", [edited.pk]
            )
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        with pytest.raises(CommandError, match=f"broken at record {edited.pk}"):
            call_command("audit_verify", stdout=io.StringIO())


@pytest.mark.django_db
class TestPrune:
    def test_refuses_to_go_below_the_retention_period(self, settings):
        settings.AUDIT_RETENTION_DAYS = 365
        with pytest.raises(CommandError, match="refusing to prune"):
            call_command("audit_prune", "--days", "30", stdout=io.StringIO())

    def test_deletes_only_records_past_retention(self, db, settings):
        # No fixture rows: their creates would be recorded before the old record.
        member = None
        settings.AUDIT_RETENTION_DAYS = 180
        long_ago = timezone.now() - timedelta(days=400)
        with mock.patch("audit.record.timezone.now", return_value=long_ago):
            record_event(event=Event.EXPORT, actor=member)
        recent = record_event(event=Event.IMPORT, actor=member)
        out = io.StringIO()
        call_command("audit_prune", stdout=out)
        assert "deleted 1" in out.getvalue()
        assert [e.pk for e in AuditEvent.objects.all()] == [recent.pk]
        call_command("audit_verify", stdout=io.StringIO())  # the rest still verifies


@pytest.mark.django_db
class TestAuditorPages:
    def test_auditor_reads_and_filters_the_trail(self, client, auditor, member):
        record_event(event=Event.EXPORT, actor=member, detail={"rows": 3})
        record_event(event=Event.IMPORT, actor=auditor)
        client.force_login(auditor)  # itself recorded as a sign-in
        page = client.get(LIST, {"actor": "rider"}).context["page"]
        assert [e.event for e in page.object_list] == [Event.EXPORT]
        page = client.get(LIST, {"event": Event.IMPORT}).context["page"]
        assert [e.actor_username for e in page.object_list] == ["auditor"]
        page = client.get(LIST, {"actor": "auditor"}).context["page"]
        assert [e.event for e in page.object_list] == [Event.LOGIN, Event.IMPORT]

    @pytest.mark.parametrize(
        "persona", ["member", "station_staff", "street_organizer", "district_admin"]
    )
    def test_everyone_else_is_refused(self, persona, as_persona, client):
        as_persona(persona)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("audit:event-export", args=["csv"])).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client, db):
        assert client.get(LIST)["Location"].startswith(reverse("account_login"))

    def test_the_trail_cannot_be_posted_to(self, client, auditor):
        client.force_login(auditor)
        assert client.post(LIST).status_code == 405

    def test_export_is_a_file_and_is_itself_recorded(self, client, auditor, member):
        record_event(event=Event.IMPORT, actor=member, actor_username="rider")
        client.force_login(auditor)
        response = client.get(reverse("audit:event-export", args=["xlsx"]), {"actor": "rider"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 2 and rows[1][1] == "rider"
        [export] = events(event=Event.EXPORT)
        assert export.actor_username == "auditor"
        assert export.detail == {
            "what": "audit",
            "format": "xlsx",
            "filters": {"actor": "rider"},
            "rows": 1,
        }

    def test_csv_export_has_a_bom_for_excel(self, client, auditor):
        client.force_login(auditor)
        body = client.get(reverse("audit:event-export", args=["csv"])).content.decode("utf-8")
        assert body.startswith("\ufeff")
        assert next(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[0] in ("时间", "Time")

    def test_query_count_does_not_grow_with_the_trail(
        self, client, auditor, member, django_assert_num_queries
    ):
        client.force_login(auditor)
        for _ in range(3):
            record_event(event=Event.EXPORT, actor=member)
        with django_assert_num_queries(7) as small:
            client.get(LIST)
        for _ in range(30):
            record_event(event=Event.EXPORT, actor=member)
        with django_assert_num_queries(len(small.captured_queries)):
            client.get(LIST)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"), ("ok", "ok")],
)
def test_spreadsheet_formulas_are_escaped(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("ip", ["::ffff:1.2.3.4", "2001:db8::1", "203.0.113.5"])
def test_the_chain_verifies_after_a_database_round_trip(ip, member, rf):
    request = rf.get("/", REMOTE_ADDR=ip)
    record_event(
        event=Event.EXPORT,
        actor=member,
        request=request,
        detail={"big": 1e16, "negative_zero": -0.0, "ratio": 1.5e300, "nested": [0.1, {"x": 2}]},
    )
    call_command("audit_verify", stdout=io.StringIO())


@pytest.mark.django_db
def test_prune_then_verify_after_clock_skew(db, settings):
    """Records stamped out of order by skewed hosts still prune as a prefix of the chain."""
    member = None
    settings.AUDIT_RETENTION_DAYS = 180
    with mock.patch("audit.record.timezone.now", return_value=timezone.now() - timedelta(days=400)):
        record_event(event=Event.EXPORT, actor=member)
    record_event(event=Event.IMPORT, actor=member)
    with mock.patch("audit.record.timezone.now", return_value=timezone.now() - timedelta(days=300)):
        record_event(event=Event.LOGIN, actor=member)  # a host whose clock is far behind
    call_command("audit_prune", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 2
    call_command("audit_verify", stdout=io.StringIO())


@pytest.mark.django_db
def test_control_characters_do_not_break_the_xlsx_export(client, auditor):
    record_event(event=Event.LOGIN_FAILED, actor_username="ev\x01il", outcome=Outcome.FAILURE)
    client.force_login(auditor)
    response = client.get(reverse("audit:event-export", args=["xlsx"]))
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert any(row[1] == "evil" for row in rows)
