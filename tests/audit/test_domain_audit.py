"""Issue 9: audit records of domain changes (actions and admin alike), of imports and exports,
and of every page view that shows unmasked phones."""

from unittest import mock

import pytest
import tablib
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from audit.models import AuditEvent, Event, Outcome
from branches.actions import member_create
from branches.models import Member
from branches.roles import AUDITOR_GROUP
from stations.actions import staff_assign, station_features_set, station_hours_set
from stations.models import Station
from tests.conftest import make_member, make_user


def records(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def last(**filters):
    return AuditEvent.objects.filter(**filters).order_by("-pk").first()


@pytest.mark.django_db
class TestChangeRecorder:
    def test_create_update_delete_of_a_member_keep_fields_before_and_after(self, street_a):
        member = member_create(
            name="赵六", gender="male", phone="13800001111", occupation="rider", street=street_a
        )
        created = last(event=Event.CREATE, object_type="branches.member")
        assert created.object_id == str(member.pk)
        assert created.changes["name"] == [None, "赵六"]
        # Phones are kept masked in the append-only trail.
        assert created.changes["phone"] == [None, "138****1111"]

        member = Member.objects.get(pk=member.pk)
        member.name = "赵六六"
        member.save()
        updated = last(event=Event.UPDATE, object_type="branches.member")
        assert updated.changes == {"name": ["赵六", "赵六六"]}

        Member.objects.get(pk=member.pk).delete()
        deleted = last(event=Event.DELETE, object_type="branches.member")
        assert deleted.changes["name"] == ["赵六六", None]

    def test_saving_without_a_change_writes_no_record(self, street_a):
        member = make_member(street=street_a)
        before = AuditEvent.objects.count()
        Member.objects.get(pk=member.pk).save()
        assert AuditEvent.objects.count() == before

    def test_the_signed_in_actor_and_address_are_recorded_for_admin_edits(
        self, client, district_admin, street_a
    ):
        client.force_login(district_admin)
        url = reverse("admin:branches_street_change", args=[street_a.pk])
        client.post(
            url,
            {"name": "五角场街道（新）", "slug": street_a.slug, "sort_order": 10},
        )
        street_a.refresh_from_db()
        assert street_a.name == "五角场街道（新）"
        record = last(event=Event.UPDATE, object_type="branches.street")
        assert record.changes["name"] == ["五角场街道", "五角场街道（新）"]
        assert record.actor_username == "district" and record.client_ip == "127.0.0.1"

    def test_admin_delete_is_recorded(self, client, district_admin, street_a):
        member = make_member(street=street_a, name="待删")
        client.force_login(district_admin)
        client.post(reverse("admin:branches_member_delete", args=[member.pk]), {"post": "yes"})
        assert not Member.objects.filter(pk=member.pk).exists()
        record = last(event=Event.DELETE, object_type="branches.member")
        assert record.changes["name"] == ["待删", None] and record.actor_username == "district"

    def test_group_membership_and_station_staff_are_recorded(self, station_a):
        user = make_user("newstaff")
        user.groups.add(Group.objects.get(name=AUDITOR_GROUP))
        change = last(event=Event.PERMISSION_CHANGE)
        assert change.object_type == "yangpu_portal.user"
        assert change.changes == {"user_groups": {"added": [AUDITOR_GROUP]}}
        staff_assign(station=station_a, user=user)
        assert last(object_type="stations.stationstaff").event == Event.CREATE

    def test_bulk_written_hours_and_features_are_recorded_on_the_station(self, station_a):
        from datetime import time

        from stations.actions import Shift

        station_hours_set(station=station_a, shifts=[Shift(0, time(9), time(17))])
        hours = last(object_type="stations.station", event=Event.UPDATE)
        assert hours.changes["hours"][1] == ["0:09:00-17:00"]
        station_features_set(station=station_a, amenities=["water"], programs=[])
        features = last(object_type="stations.station", event=Event.UPDATE)
        assert features.changes["amenitys"][1] == ["water"]


# --- Imports and exports -------------------------------------------------------------------------

STATION_IMPORT = reverse("admin:stations_station_import")
STATION_PROCESS = reverse("admin:stations_station_process_import")
STATION_ROWS = tablib.Dataset(
    ["国定路骑手驿站", "五角场街道", "骑手服务站/驿站", "国定路 300 号", "31.2990", "121.5130",
     "", "", "是"],
    headers=["名称", "街道", "类型", "地址", "纬度", "经度", "设施", "十大项目", "开放"],
)  # fmt: skip


def confirm_station_import(client):
    content = STATION_ROWS.export("csv").encode()
    response = client.post(
        STATION_IMPORT,
        {"import_file": SimpleUploadedFile("stations.csv", content), "format": "1"},
    )
    return content, client.post(STATION_PROCESS, response.context["confirm_form"].initial)


@pytest.mark.django_db
class TestImportsAndExports:
    def test_a_confirmed_import_is_recorded_with_sha256_and_counts(
        self, client, district_admin, street_a, settings, tmp_path
    ):
        import hashlib

        settings.MEDIA_ROOT = tmp_path
        client.force_login(district_admin)
        content, _response = confirm_station_import(client)
        [record] = records(event=Event.IMPORT)
        assert record.outcome == Outcome.SUCCESS and record.actor_username == "district"
        assert record.detail["sha256"] == hashlib.sha256(content).hexdigest()
        assert record.detail["file_name"] == "stations.csv"
        assert (record.detail["rows"], record.detail["new"]) == (1, 1)
        assert Station.objects.filter(name="国定路骑手驿站").exists()

    def test_no_audit_record_no_import(self, client, district_admin, street_a, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(district_admin)
        client.raise_request_exception = False
        with mock.patch("audit.admin_io.record_event", side_effect=DatabaseError("audit down")):
            _content, response = confirm_station_import(client)
        assert response.status_code == 500
        assert not Station.objects.filter(name="国定路骑手驿站").exists()
        assert not records(event=Event.IMPORT)

    def test_roster_export_is_recorded_with_filters_and_rows(
        self, client, street_organizer, street_a
    ):
        make_member(street=street_a, name="王一")
        make_member(street=street_a, name="王二")
        client.force_login(street_organizer)
        response = client.get(reverse("branches:member-export", args=["csv"]), {"q": "王"})
        assert "王一" in response.content.decode("utf-8-sig")
        [record] = records(event=Event.EXPORT)
        assert record.detail == {
            "what": "roster",
            "format": "csv",
            "filters": {"q": "王"},
            "rows": 2,
        }

    def test_no_audit_record_no_roster_export(self, client, street_organizer, street_a):
        make_member(street=street_a, name="王一")
        client.force_login(street_organizer)
        client.raise_request_exception = False
        with mock.patch("branches.views.record_event", side_effect=DatabaseError("audit down")):
            response = client.get(reverse("branches:member-export", args=["xlsx"]))
        assert response.status_code == 500
        assert "王一" not in response.content.decode(errors="ignore")

    def test_admin_export_is_recorded(self, client, district_admin, station_a):
        client.force_login(district_admin)
        response = client.post(
            reverse("admin:stations_station_export") + "?street__id__exact=1",
            {"format": "1", "stationresource_name": "on"},
        )
        assert "五角场HUI新屋" in response.content.decode("utf-8-sig")
        [record] = records(event=Event.EXPORT)
        assert record.detail["what"] == "stations.station" and record.detail["rows"] == 1
        assert record.detail["filters"] == {"street__id__exact": ["1"]}

    def test_no_audit_record_no_admin_export(self, client, district_admin, station_a):
        client.force_login(district_admin)
        client.raise_request_exception = False
        with mock.patch("audit.admin_io.record_event", side_effect=DatabaseError("audit down")):
            response = client.post(
                reverse("admin:stations_station_export"),
                {"format": "1", "stationresource_name": "on"},
            )
        assert response.status_code == 500
        assert "五角场HUI新屋" not in response.content.decode(errors="ignore")


# --- Phone reveals -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPhoneReveals:
    def test_a_roster_page_view_is_one_record_listing_the_members_shown(
        self, client, street_organizer, street_a
    ):
        shown = [make_member(street=street_a, name=f"成员{i}") for i in range(3)]
        client.force_login(street_organizer)
        html = client.get(reverse("branches:member-list")).content.decode()
        assert shown[0].phone in html
        [record] = records(event=Event.PHONE_REVEAL)
        assert record.actor_username == "wujiaochang"
        assert record.detail == {"page": "roster", "members": sorted(m.pk for m in shown)}

    def test_the_member_page_records_its_member(self, client, street_organizer, street_a):
        member = make_member(street=street_a)
        client.force_login(street_organizer)
        client.get(reverse("branches:member-detail", args=[member.pk]))
        [record] = records(event=Event.PHONE_REVEAL)
        assert record.detail == {"page": "member", "members": [member.pk]}

    def test_a_page_without_phones_records_nothing(self, client, street_organizer):
        client.force_login(street_organizer)
        client.get(reverse("branches:member-list"))
        assert not records(event=Event.PHONE_REVEAL)

    def test_the_auditor_sees_the_days_reveals_exports_and_imports(
        self, client, auditor, street_organizer, street_a
    ):
        make_member(street=street_a)
        client.force_login(street_organizer)
        client.get(reverse("branches:member-list"))
        client.get(reverse("branches:member-export", args=["csv"]))
        client.force_login(auditor)
        response = client.get(reverse("audit:event-list"), {"actor": "wujiaochang"})
        page = response.context["page"]
        assert {e.event for e in page.object_list} >= {Event.PHONE_REVEAL, Event.EXPORT}
        html = response.content.decode()
        assert "page: roster" in html and "what: roster" in html and "rows: 1" in html
