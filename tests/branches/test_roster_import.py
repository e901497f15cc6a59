"""Roster import through the admin (django-import-export): formats, dry run, all-or-nothing,
re-import, references, dates, permissions and the import record."""

# ruff: noqa: E501 (spreadsheet rows read best one to a line)

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from branches.models import ImportOutcome, Member, RosterImport
from branches.resources import COLUMNS, MemberResource, RosterCSV, RosterXLSX
from tests.conftest import make_member, make_user

IMPORT = reverse("admin:branches_member_import")
PROCESS = reverse("admin:branches_member_process_import")
XLSX, CSV = 0, 1  # positions in MemberAdmin.import_formats


def xlsx_file(rows, name="名册.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = name
    return data


def csv_file(rows, encoding="utf-8", name="名册.csv", header=COLUMNS):
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    data = io.BytesIO(("\r\n".join(lines) + "\r\n").encode(encoding))
    data.name = name
    return data


@pytest.fixture
def world(street_a, street_b, rider_branch, committee_a, enterprise):
    return {"rider_branch": rider_branch}


def good_rows():
    return [
        ("张三", "男", "138 0013 8000", "正式党员", "外卖骑手党支部", "外卖骑手", "美团", "五角场街道", datetime.datetime(2021, 7, 1), "是"),
        ("李四", "女", "+86 13900139000", "群众", "", "快递员", "", "殷行", "", "否"),
        ("王五", "男", "137-0013-7000", "预备党员", "中共上海市杨浦区委/五角场街道党工委", "网约车司机", "", "五角场街道", "2024/7/1", "否"),
    ]  # fmt: skip


def dry_run(client, data, fmt=XLSX):
    return client.post(IMPORT, {"format": fmt, "import_file": data, "resource": 0})


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(PROCESS, {**form.initial, "resource": 0})


def report(response):
    return [(row["line"], row["kind"]) for row in response.context["result"].row_report]


@pytest.mark.django_db
class TestImport:
    def test_xlsx_dry_run_then_confirm_writes_everyone(self, client, district_admin, world):
        client.force_login(district_admin)
        response = dry_run(client, xlsx_file(good_rows()))
        assert report(response) == [(2, "new"), (3, "new"), (4, "new")]
        assert Member.objects.count() == 0  # a dry run writes nothing
        html = response.content.decode()
        assert "预检结果" in html and "新增" in html

        response = confirm(client, response)
        assert response.status_code == 302
        zhang = Member.objects.get(phone="13800138000")
        assert (zhang.political_status, zhang.organization, zhang.employer.short_name) == (
            "full",
            world["rider_branch"],
            "美团",
        )
        assert zhang.joined_party_on == datetime.date(2021, 7, 1) and zhang.is_mobile
        wang = Member.objects.get(phone="13700137000")
        assert wang.organization.name == "五角场街道党工委"
        assert wang.joined_party_on == datetime.date(2024, 7, 1)
        assert Member.objects.get(phone="13900139000").street.name == "殷行街道"
        records = list(RosterImport.objects.order_by("pk"))
        assert [r.outcome for r in records] == [ImportOutcome.CHECKED, ImportOutcome.IMPORTED]
        assert records[1].new_rows == 3 and records[1].user == district_admin
        assert re.fullmatch(r"[0-9a-f]{64}", records[1].sha256)
        assert records[0].sha256 == records[1].sha256 and records[1].file_name == "名册.xlsx"

    def test_reimporting_the_same_file_changes_nothing(self, client, district_admin, world):
        client.force_login(district_admin)
        confirm(client, dry_run(client, xlsx_file(good_rows())))
        before = list(Member.objects.order_by("pk").values())
        response = dry_run(client, xlsx_file(good_rows()))
        assert [kind for _, kind in report(response)] == ["unchanged"] * 3
        confirm(client, response)
        assert list(Member.objects.order_by("pk").values()) == before

    def test_changed_row_is_an_update(self, client, district_admin, world):
        client.force_login(district_admin)
        confirm(client, dry_run(client, xlsx_file(good_rows())))
        rows = good_rows()
        rows[1] = ("李四", "女", "13900139000", "入党申请人", "", "快递员", "", "殷行", "", "否")
        response = dry_run(client, xlsx_file(rows))
        assert report(response) == [(2, "unchanged"), (3, "update"), (4, "unchanged")]
        confirm(client, response)
        assert Member.objects.get(phone="13900139000").political_status == "applicant"

    @pytest.mark.parametrize(
        ("encoding", "fmt"), [("utf-8", CSV), ("utf-8-sig", CSV), ("gbk", CSV), ("gb18030", CSV)]
    )
    def test_csv_in_every_encoding_excel_writes(self, client, district_admin, world, encoding, fmt):
        client.force_login(district_admin)
        rows = [
            ("张三", "男", "13800138000", "正式党员", "外卖骑手党支部", "外卖骑手", "美团", "五角场街道", "2021-07-01", "是"),
            ("李四", "女", "13900139000", "群众", "", "快递员", "", "殷行街道", "", "否"),
        ]  # fmt: skip
        response = dry_run(client, csv_file(rows, encoding=encoding), fmt)
        assert report(response) == [(2, "new"), (3, "new")]
        confirm(client, response)
        assert Member.objects.get(phone="13800138000").name == "张三"

    def test_one_bad_row_writes_nothing_and_names_the_row(self, client, district_admin, world):
        client.force_login(district_admin)
        rows = [
            *good_rows(),
            ("赵六", "男", "12345", "党员", "不存在的支部", "外卖骑手", "不存在的平台", "火星街道", "2021-13-45", "也许"),
        ]  # fmt: skip
        response = dry_run(client, xlsx_file(rows))
        assert "confirm_form" not in response.context
        lines = {row["line"]: row for row in response.context["result"].row_report}
        assert lines[5]["kind"] == "error"
        reasons = " ".join(lines[5]["reasons"])
        for expected in [
            "手机号",
            "党员",
            "不存在的支部",
            "不存在的平台",
            "火星街道",
            "2021-13-45",
            "也许",
        ]:
            assert expected in reasons
        html = response.content.decode()
        assert "整个文件不会写入" in html and "火星街道" in html
        assert Member.objects.count() == 0
        assert RosterImport.objects.get().outcome == ImportOutcome.CHECK_FAILED

    def test_names_and_excel_serial_dates(self, client, district_admin, world):
        client.force_login(district_admin)
        rows = [
            ("", "男", "13800000001", "群众", "", "外卖骑手", "", "五角场", "", "否"),
            ("长" * 51, "男", "13800000002", "群众", "", "外卖骑手", "", "五角场", "", "否"),
            ("王七", "男", "13800000003", "正式党员", "外卖骑手党支部", "外卖骑手", "", "五角场", 44378, "Y"),
        ]  # fmt: skip
        response = dry_run(client, xlsx_file(rows))
        assert report(response) == [(2, "error"), (3, "error"), (4, "new")]
        assert "姓名" in response.context["result"].row_report[0]["reasons"][0]
        assert Member.objects.count() == 0

    def test_duplicate_phones_in_a_file_are_errors(self, client, district_admin, world):
        client.force_login(district_admin)
        rows = good_rows()
        rows.append(
            ("张三二", "男", "13800138000", "群众", "", "外卖骑手", "", "五角场街道", "", "否")
        )
        response = dry_run(client, xlsx_file(rows))
        kinds = dict(report(response))
        assert kinds[2] == "error" and kinds[5] == "error"
        assert "重复" in " ".join(response.context["result"].row_report[0]["reasons"])

    def test_masses_with_an_organization_is_a_row_error(self, client, district_admin, world):
        client.force_login(district_admin)
        rows = [
            ("李四", "女", "13900139000", "群众", "外卖骑手党支部", "快递员", "", "殷行", "", "否")
        ]
        response = dry_run(client, xlsx_file(rows))
        assert report(response) == [(2, "error")]
        assert "留空" in response.context["result"].row_report[0]["reasons"][0]

    def test_ambiguous_organization_name_needs_the_full_path(
        self, client, district_admin, world, committee_a, committee_b
    ):
        from branches.actions import organization_create

        for parent in (committee_a, committee_b):
            organization_create(parent=parent, name="联合党支部", kind="branch")
        client.force_login(district_admin)
        rows = [
            ("甲", "男", "13800000001", "正式党员", "联合党支部", "外卖骑手", "", "五角场", "", "否"),
            ("乙", "男", "13800000002", "正式党员", "中共上海市杨浦区委/殷行街道党工委/联合党支部", "外卖骑手", "", "殷行", "", "否"),
        ]  # fmt: skip
        response = dry_run(client, xlsx_file(rows))
        assert report(response) == [(2, "error"), (3, "new")]
        assert "完整路径" in response.context["result"].row_report[0]["reasons"][0]

    def test_confirm_rolls_back_when_the_data_changed_since_the_dry_run(
        self, client, district_admin, world, enterprise
    ):
        client.force_login(district_admin)
        response = dry_run(client, xlsx_file(good_rows()))
        # Between dry run and confirm, the platform disappears: row 2 now fails.
        enterprise.short_name, enterprise.name = "其他", "其他平台"
        enterprise.save()
        response = confirm(client, response)
        assert Member.objects.count() == 0
        assert response["Location"] == IMPORT
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("没有写入任何数据" in m and "2" in m for m in messages)
        assert RosterImport.objects.order_by("pk").last().outcome == ImportOutcome.ROLLED_BACK

    @pytest.mark.parametrize(
        ("data", "fmt", "message"),
        [
            (lambda: csv_file([("张三", "138")], header=("名字", "电话")), CSV, "表头缺少"),
            (lambda: io.BytesIO(b"\x00\x01\x02 not a sheet"), XLSX, "不是有效的 XLSX"),
            (lambda: xlsx_file(good_rows()), CSV, "xlsx"),
            (lambda: io.BytesIO("姓名\n".encode("utf-16")), CSV, "不是 CSV"),
            (lambda: io.BytesIO(b"\xff\xfe\xfa\xfb\x81\x30\n" * 3), CSV, "编码"),
        ],
    )
    def test_wrong_files_get_a_clear_error(self, client, district_admin, world, data, fmt, message):
        client.force_login(district_admin)
        upload = data()
        upload.name = "x.bin"
        response = dry_run(client, upload, fmt)
        assert response.status_code == 200
        assert "confirm_form" not in response.context
        assert message in response.content.decode()
        assert Member.objects.count() == 0

    def test_import_page_links_the_template(self, client, district_admin):
        client.force_login(district_admin)
        html = client.get(IMPORT).content.decode()
        assert reverse("branches:member-template") in html

    @pytest.mark.parametrize("persona", ["auditor", "staff_with_view"])
    def test_only_district_admins_import(self, client, persona, request, world):
        if persona == "staff_with_view":
            from django.contrib.auth.models import Permission

            user = make_user("clerk", is_staff=True)
            user.user_permissions.add(
                Permission.objects.get(codename="view_member"),
                Permission.objects.get(codename="change_member"),
            )
        else:
            user = request.getfixturevalue(persona)
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        assert (
            client.post(IMPORT, {"format": XLSX, "import_file": xlsx_file(good_rows())}).status_code
            == 403
        )
        assert client.post(PROCESS, {}).status_code == 403
        assert Member.objects.count() == 0


@pytest.mark.django_db
def test_export_reimports_unchanged(street_a, rider_branch, enterprise):
    make_member(street=street_a, name="张三", organization=rider_branch, employer=enterprise)
    make_member(street=street_a, name="=SUM(1)")
    dataset = MemberResource().export(Member.objects.all())
    for fmt in (RosterXLSX(), RosterCSV()):
        data = fmt.export_data(dataset)
        again = fmt.create_dataset(data if isinstance(data, bytes) else data.encode("utf-8"))
        result = MemberResource().import_data(again, dry_run=True, record=False)
        kinds = {row["name"]: row["kind"] for row in result.row_report}
        # The escaped formula comes back with its apostrophe: a change, by design.
        assert kinds == {"张三": "unchanged", "'=SUM(1)": "update"}


FIELDS = MemberResource.Meta.fields


@pytest.mark.django_db
def test_admin_export_uses_the_template_columns(client, district_admin, street_a, rider_branch):
    make_member(street=street_a, name="张三", organization=rider_branch)
    client.force_login(district_admin)
    response = client.post(
        reverse("admin:branches_member_export"),
        {"format": 0, "resource": 0, **{f"memberresource_{f}": "on" for f in FIELDS}},
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and rows[1][0] == "张三"
