"""Separation of duties (三员分立): three administrator roles held by three accounts, and no
superuser among the day-to-day accounts."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from branches.roles import (
    AUDITOR_GROUP,
    DISTRICT_ADMIN_GROUP,
    SYSTEM_ADMIN_GROUP,
)
from tests.conftest import make_user
from yangpu_portal.duties import violations

pytestmark = pytest.mark.django_db


def user_form(client, admin_user, target, **changes):
    """POST the admin's change form for `target` as `admin_user`, with `changes`."""
    client.force_login(admin_user)
    url = f"/admin/yangpu_portal/user/{target.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("groups", "user_permissions"):
            value = [getattr(v, "pk", v) for v in (value or [])]
        data[name] = value if value is not None else ""
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not False}
    return client.post(url, data)


def test_the_demo_like_setup_has_no_violations(
    district_admin, auditor, system_admin, security_admin, member
):
    assert violations() == []
    call_command("check", "--database", "default")


def test_one_account_holding_two_administrator_roles_fails_the_check(system_admin):
    system_admin.groups.add(Group.objects.get(name=AUDITOR_GROUP))
    assert violations() == [
        "账户 sysadmin 同时担任了多个三员角色（系统管理员、安全管理员、审计管理员）。"
    ]
    with pytest.raises(SystemCheckError, match=r"portal\.E001"):
        call_command("check", "--database", "default")


def test_a_superuser_with_a_day_to_day_role_fails_the_check(member):
    member.is_superuser = True
    member.save()
    assert violations() == ["日常工作账户 rider 不能是超级用户。"]


def test_the_security_admin_cannot_give_one_account_two_administrator_roles(
    client, security_admin, db
):
    target = make_user("newcomer", is_staff=True)
    system = Group.objects.get(name=SYSTEM_ADMIN_GROUP)
    audit = Group.objects.get(name=AUDITOR_GROUP)
    response = user_form(client, security_admin, target, groups=[system.pk, audit.pk])
    assert response.status_code == 200
    assert "不能由同一账户兼任" in response.content.decode()
    assert not target.groups.exists()


@pytest.mark.parametrize("target_name", ["auditor", "system_admin", "security_admin"])
def test_administrator_accounts_are_edited_by_a_superuser_only(
    target_name, request, client, security_admin, system_admin
):
    """One duty cannot take over another's account: no edit, no password reset."""
    target = request.getfixturevalue(target_name)
    for editor in (security_admin, system_admin):
        client.force_login(editor)
        edit = client.post(f"/admin/yangpu_portal/user/{target.pk}/change/", {"first_name": "x"})
        assert edit.status_code == 403
        response = client.post(
            f"/admin/yangpu_portal/user/{target.pk}/password/",
            {"password1": "Taken-Over-2026", "password2": "Taken-Over-2026"},
        )
        assert response.status_code == 403
    target.refresh_from_db()
    assert not target.check_password("Taken-Over-2026")


def test_a_superuser_cannot_be_taken_over(client, system_admin, db):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(system_admin)
    response = client.post(
        f"/admin/yangpu_portal/user/{root.pk}/password/",
        {"password1": "Taken-Over-2026", "password2": "Taken-Over-2026"},
    )
    assert response.status_code == 403


def test_only_the_system_admin_sets_passwords(client, security_admin, member):
    client.force_login(security_admin)
    response = client.post(
        f"/admin/yangpu_portal/user/{member.pk}/password/",
        {"password1": "Taken-Over-2026", "password2": "Taken-Over-2026"},
    )
    assert response.status_code == 403


def test_permissions_given_directly_across_duties_fail_the_check(security_admin):
    from django.contrib.auth.models import Permission

    security_admin.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    assert violations() == ["账户 secadmin 的权限跨越了多个三员职责。"]


def test_the_security_admin_assigns_roles_but_cannot_edit_the_account(
    client, security_admin, member
):
    district = Group.objects.get(name=DISTRICT_ADMIN_GROUP)
    response = user_form(client, security_admin, member, groups=[district.pk], is_staff="on")
    assert response.status_code == 302
    member.refresh_from_db()
    assert list(member.groups.values_list("name", flat=True)) == [DISTRICT_ADMIN_GROUP]
    fields = (
        client.get(f"/admin/yangpu_portal/user/{member.pk}/change/")
        .context["adminform"]
        .form.fields
    )
    assert "groups" in fields and "first_name" not in fields and "is_superuser" not in fields


def test_the_system_admin_edits_accounts_but_not_their_roles(client, system_admin, member):
    response = user_form(client, system_admin, member, first_name="强", last_name="李")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.get_full_name() == "李强"
    fields = (
        client.get(f"/admin/yangpu_portal/user/{member.pk}/change/")
        .context["adminform"]
        .form.fields
    )
    assert "groups" not in fields and "is_superuser" not in fields and "is_staff" not in fields


@pytest.mark.parametrize("persona", ["district_admin", "auditor"])
def test_day_to_day_and_audit_roles_cannot_manage_accounts(persona, as_persona, client, member):
    as_persona(persona)
    assert client.get(f"/admin/yangpu_portal/user/{member.pk}/change/").status_code == 403
