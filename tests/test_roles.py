"""The role groups made by migration, and what they may do."""

import pytest
from django.contrib.auth.models import Group, Permission

from branches.roles import (
    ASSIGNMENT_MODELS,
    AUDITOR_GROUP,
    DISTRICT_ADMIN_APPS,
    DISTRICT_ADMIN_GROUP,
    SECURITY_ADMIN_GROUP,
)


def assignment_permissions():
    return {
        p
        for app, model in ASSIGNMENT_MODELS
        for p in Permission.objects.filter(content_type__app_label=app, content_type__model=model)
    }


@pytest.mark.django_db
def test_district_admin_group_holds_every_permission_of_the_portal_apps_but_assignments():
    group = Group.objects.get(name=DISTRICT_ADMIN_GROUP)
    wanted = set(Permission.objects.filter(content_type__app_label__in=DISTRICT_ADMIN_APPS))
    assert wanted, "the portal apps define permissions"
    held = set(group.permissions.all())
    assert wanted - assignment_permissions() <= held
    assert not held & assignment_permissions()
    assert not group.permissions.filter(
        content_type__model="user", codename__in=["add_user", "change_user"]
    ).exists()


@pytest.mark.django_db
def test_role_assignments_belong_to_the_security_admin():
    group = Group.objects.get(name=SECURITY_ADMIN_GROUP)
    assert assignment_permissions() <= set(group.permissions.all())


@pytest.mark.django_db
def test_auditor_group_may_only_read_the_audit_trail_and_the_change_log():
    group = Group.objects.get(name=AUDITOR_GROUP)
    assert sorted(p.codename for p in group.permissions.all()) == [
        "view_auditevent",
        "view_logentry",
    ]


@pytest.mark.django_db
def test_auditor_reads_the_admin_log_but_cannot_open_the_roster_in_admin(client, auditor):
    client.force_login(auditor)
    assert client.get("/admin/admin/logentry/").status_code == 200
    assert client.get("/admin/branches/member/").status_code == 403


@pytest.mark.django_db
def test_district_admin_uses_the_admin_without_being_superuser(client, district_admin):
    assert not district_admin.is_superuser
    client.force_login(district_admin)
    assert client.get("/admin/branches/member/").status_code == 200
    assert client.get("/admin/branches/organization/").status_code == 200
    assert client.get("/admin/stations/station/").status_code == 200


def test_chinese_names_read_surname_first():
    from yangpu_portal.models import User

    assert User(first_name="晓东", last_name="张").get_full_name() == "张晓东"
    assert User(first_name="Ada", last_name="Lovelace").get_full_name() == "Ada Lovelace"
