"""Organizations import and export in the admin, keyed by full path."""

# ruff: noqa: E501 (spreadsheet rows read best one to a line)

import io

import openpyxl
import pytest
from django.urls import reverse

from branches.models import Organization
from branches.resources import ORGANIZATION_COLUMNS, OrganizationResource

IMPORT = reverse("admin:branches_organization_import")
PROCESS = reverse("admin:branches_organization_process_import")


def xlsx_file(rows):
    book = openpyxl.Workbook()
    book.active.append(list(ORGANIZATION_COLUMNS))
    for row in rows:
        book.active.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "组织.xlsx"
    return data


def dry_run(client, data):
    return client.post(IMPORT, {"format": 0, "import_file": data, "resource": 0})


def kinds(response):
    return [(r["line"], r["kind"]) for r in response.context["result"].row_report]


ROWS = [
    ("中共上海市杨浦区委/五角场街道党工委", "骑手联合党支部", "党支部", "流动党支部（建在车轮上）", "五角场", "", "外卖骑手", "2024/5/1", "刘书记"),
    ("中共上海市杨浦区委/五角场街道党工委/骑手联合党支部", "下级", "党支部", "", "", "", "", "", ""),
]  # fmt: skip


@pytest.mark.django_db
class TestOrganizationImport:
    def test_new_nodes_go_under_their_parent_and_branches_parent_nothing(
        self, client, district_admin, committee_a
    ):
        client.force_login(district_admin)
        response = dry_run(client, xlsx_file(ROWS[:1]))
        assert kinds(response) == [(2, "new")]
        assert not Organization.objects.filter(name="骑手联合党支部").exists()
        form = response.context["confirm_form"]
        client.post(PROCESS, {**form.initial, "resource": 0})
        branch = Organization.objects.get(name="骑手联合党支部")
        assert Organization.objects.get_parent(branch) == committee_a
        assert (branch.form, branch.group_served, branch.secretary_name) == (
            "on_wheels",
            "rider",
            "刘书记",
        )
        response = dry_run(client, xlsx_file(ROWS))
        assert kinds(response) == [(2, "update"), (3, "error")]
        assert "不能设立" in " ".join(response.context["result"].row_report[1]["reasons"])
        assert Organization.objects.filter(name="下级").count() == 0

    def test_unknown_parent_is_an_error_and_nothing_is_written(
        self, client, district_admin, committee_a
    ):
        client.force_login(district_admin)
        rows = [ROWS[0], ("不存在/的组织", "甲支部", "党支部", "", "", "", "", "", "")]
        response = dry_run(client, xlsx_file(rows))
        assert kinds(response) == [(2, "new"), (3, "error")]
        assert "找不到上级组织" in response.content.decode()
        assert "confirm_form" not in response.context
        assert not Organization.objects.filter(name="骑手联合党支部").exists()

    def test_export_round_trips_by_full_path(self, committee_a, rider_branch):
        dataset = OrganizationResource().export(Organization.objects.all())
        paths = {(row[0], row[1]) for row in dataset}
        assert ("中共上海市杨浦区委/美团(上海)党委", "外卖骑手党支部") in paths
        assert ("", "中共上海市杨浦区委") in paths
        result = OrganizationResource().import_data(dataset, dry_run=True)
        assert not result.failed
        assert {r["kind"] for r in result.row_report} == {"update"}

    def test_only_district_admins_import(self, client, auditor, street_organizer):
        for user in (auditor, street_organizer):
            client.force_login(user)
            assert client.get(IMPORT).status_code in (302, 403)
            assert client.post(PROCESS, {}).status_code in (302, 403)
