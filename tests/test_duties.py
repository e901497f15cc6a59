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
from yangpu_portal.duties import violations
from yangpu_portal.models import User

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
    assert len(violations()) == 1
    with pytest.raises(SystemCheckError, match=r"portal\.E001"):
        call_command("check", "--database", "default")


def test_a_superuser_with_a_day_to_day_role_fails_the_check(member):
    member.is_superuser = True
    member.save()
    assert violations() == ["日常工作账户 rider 不能是超级用户。"]


def test_the_security_admin_cannot_give_one_account_two_administrator_roles(
    client, security_admin, auditor
):
    system = Group.objects.get(name=SYSTEM_ADMIN_GROUP)
    audit = Group.objects.get(name=AUDITOR_GROUP)
    response = user_form(client, security_admin, auditor, groups=[system.pk, audit.pk])
    assert response.status_code == 200
    assert "不能由同一账户兼任" in response.content.decode()
    assert list(auditor.groups.values_list("name", flat=True)) == [AUDITOR_GROUP]


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


def test_no_seeded_account_is_a_superuser(settings):
    import io

    settings.DEBUG = True
    call_command("seed_demo", "--with-demo-users", stdout=io.StringIO())
    assert not User.objects.filter(is_superuser=True).exists()
    assert violations() == []
