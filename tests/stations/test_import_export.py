"""Import and export of stations and outlets in the admin: XLSX and CSV in UTF-8 (with or
without BOM) and GBK; dry run with row errors; all-or-nothing, also at the confirm step;
idempotent re-import keyed by name + street; coordinates inside Shanghai; district admins only."""

import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import Enterprise
from stations.actions import station_features_set
from stations.models import Outlet, Station
from stations.resources import OutletResource, StationResource, decode_spreadsheet_text
from tests.conftest import make_station

HEADERS = ["名称", "街道", "类型", "地址", "纬度", "经度", "设施", "十大项目", "开放"]
GOOD = [
    ["国定路骑手驿站", "五角场街道", "骑手服务站/驿站", "国定路 300 号", "31.2990", "121.5130",
     "饮水、充电，打气/维修", "休憩驿站 先锋护照", "是"],
    ["殷行银行爱心接力站", "殷行街道", "bank_relay", "开鲁路 1 号", "31.3240", "121.5240",
     "", "", "否"],
]  # fmt: skip
XLSX, CSV = "0", "1"  # positions in the admin's import_formats


def csv_bytes(rows, encoding="utf-8", headers=HEADERS) -> bytes:
    dataset = tablib.Dataset(*rows, headers=headers)
    return dataset.export("csv").encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(resource, rows, *, dry_run=False, headers=HEADERS, user=None):
    dataset = tablib.Dataset(*rows, headers=headers)
    return resource.import_data(
        dataset, dry_run=dry_run, rollback_on_validation_errors=True, user=user
    )


def errors_of(result) -> dict[int, str]:
    return {
        row.number: " ".join(m for ms in row.error_dict.values() for m in ms)
        for row in result.invalid_rows
    }


@pytest.fixture
def streets(street_a, street_b):
    return street_a, street_b


@pytest.mark.django_db
class TestStationResource:
    def test_imports_rows_with_labels_codes_and_features(self, streets):
        result = run(StationResource(), GOOD)
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["new"] == 2
        relay = Station.objects.get(name="国定路骑手驿站")
        assert relay.kind == "rider" and relay.street.name == "五角场街道"
        assert relay.amenities == ["water", "charging", "repair"]
        assert relay.programs == ["rest_stop", "passport"]
        bank = Station.objects.get(name="殷行银行爱心接力站")
        assert bank.kind == "bank_relay" and bank.is_active is False

    def test_importing_twice_changes_nothing(self, streets):
        run(StationResource(), GOOD)
        before = list(Station.objects.values_list("pk", "updated_at"))
        result = run(StationResource(), GOOD)
        assert result.totals["skip"] == 2 and result.totals["new"] == 0
        assert result.totals["update"] == 0
        assert list(Station.objects.values_list("pk", "updated_at")) == before

    def test_edited_row_updates_the_station_keyed_by_name_and_street(self, streets):
        run(StationResource(), GOOD)
        edited = [[*GOOD[0][:3], "国定路 302 号", *GOOD[0][4:6], "饮水", "", "是"]]
        result = run(StationResource(), edited)
        assert result.totals["update"] == 1 and Station.objects.count() == 2
        relay = Station.objects.get(name="国定路骑手驿站")
        assert relay.address == "国定路 302 号"
        assert relay.amenities == ["water"] and relay.programs == []

    def test_a_changed_amenity_alone_is_an_update(self, streets):
        run(StationResource(), GOOD)
        edited = [[*GOOD[0][:6], "饮水、充电", *GOOD[0][7:]]]
        assert run(StationResource(), edited).totals["update"] == 1
        assert Station.objects.get(name="国定路骑手驿站").amenities == ["water", "charging"]

    @pytest.mark.parametrize(
        ("column", "value", "message"),
        [
            ("街道", "火星街道", "找不到街道“火星街道”"),
            ("类型", "宇宙站", "类型“宇宙站”无效"),
            ("纬度", "121.51", "不在上海市范围内"),
            ("经度", "abc", "“abc”不是数字"),
            ("设施", "饮水、桑拿", "设施“桑拿”无效"),
            ("开放", "也许", "应为“是”或“否”"),
            ("名称", "", "此字段不能为空"),
        ],
    )
    def test_one_bad_row_writes_nothing_and_names_the_row(self, streets, column, value, message):
        bad = list(GOOD[1])
        bad[HEADERS.index(column)] = value
        result = run(StationResource(), [GOOD[0], bad])
        assert result.has_validation_errors()
        errors = errors_of(result)
        assert list(errors) == [2] and message in errors[2], errors
        assert not Station.objects.exists()

    def test_the_same_station_twice_in_a_file_is_an_error(self, streets):
        result = run(StationResource(), [GOOD[0], GOOD[1], GOOD[0]])
        assert "与第 1 行重复" in errors_of(result)[3]
        assert not Station.objects.exists()

    def test_export_uses_the_same_columns_and_round_trips(self, streets):
        station = make_station(street=streets[0], name="导出站")
        station_features_set(station=station, amenities=["wifi", "water"], programs=["health"])
        dataset = StationResource().export()
        assert dataset.headers[:2] == ["名称", "街道"]
        row = dict(zip(dataset.headers, dataset[0], strict=True))
        assert row["设施"] == "饮水、无线网络" and row["十大项目"] == "健康守护"
        assert row["类型"] == "党群服务站" and row["开放"] == "是"
        result = StationResource().import_data(dataset, dry_run=False)
        assert result.totals["skip"] == 1 and not result.has_validation_errors()


@pytest.mark.django_db
class TestOutletResource:
    HEADERS = [
        "网点名称",
        "街道",
        "平台企业",
        "品牌",
        "地址",
        "纬度",
        "经度",
        "骑手人数",
        "调查日期",
    ]
    ROW = ["美团外卖国权路站", "五角场街道", "美团", "美团外卖", "国权路 39 号",
           "31.299", "121.505", "40", "2026/10/15"]  # fmt: skip

    def test_imports_with_the_importer_as_surveyor(self, streets, enterprise, district_admin):
        result = run(OutletResource(), [self.ROW], headers=self.HEADERS, user=district_admin)
        assert result.totals["new"] == 1
        outlet = Outlet.objects.get()
        assert outlet.enterprise == enterprise and outlet.rider_count == 40
        assert outlet.surveyed_at.isoformat() == "2026-10-15"
        assert outlet.surveyed_by == district_admin
        again = run(OutletResource(), [self.ROW], headers=self.HEADERS, user=district_admin)
        assert again.totals["skip"] == 1

    @pytest.mark.parametrize(
        ("index", "value", "message"),
        [(2, "拼多多", "找不到平台企业“拼多多”"), (7, "-3", "不小于 0 的整数"),
         (8, "2026-13-40", "日期“2026-13-40”无效"), (6, "31.29", "不在上海市范围内")],
    )  # fmt: skip
    def test_bad_rows(self, streets, enterprise, index, value, message):
        bad = list(self.ROW)
        bad[index] = value
        result = run(OutletResource(), [bad], headers=self.HEADERS)
        assert message in errors_of(result)[1]
        assert not Outlet.objects.exists()


class TestEncodings:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
    def test_chinese_text_survives(self, encoding):
        assert decode_spreadsheet_text("名称,街道\n五角场".encode(encoding)) == "名称,街道\n五角场"


IMPORT = reverse("admin:stations_station_import")
PROCESS = reverse("admin:stations_station_process_import")


def dry_run(client, content: bytes, name: str, fmt: str, url=IMPORT):
    upload = SimpleUploadedFile(name, content)
    return client.post(url, {"import_file": upload, "format": fmt})


@pytest.mark.django_db
class TestAdminImport:
    @pytest.mark.parametrize(
        ("name", "fmt", "content"),
        [
            ("stations.xlsx", XLSX, lambda: xlsx_bytes(GOOD)),
            ("stations.csv", CSV, lambda: csv_bytes(GOOD, "utf-8")),
            ("stations-bom.csv", CSV, lambda: csv_bytes(GOOD, "utf-8-sig")),
            ("stations-gbk.csv", CSV, lambda: csv_bytes(GOOD, "gbk")),
        ],
    )
    def test_district_admin_dry_runs_then_confirms(
        self, client, district_admin, streets, name, fmt, content, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(district_admin)
        response = dry_run(client, content(), name, fmt)
        assert response.status_code == 200
        result = response.context["result"]
        assert result.totals["new"] == 2 and not result.has_validation_errors()
        assert not Station.objects.exists()  # the dry run wrote nothing

        confirm = response.context["confirm_form"].initial
        response = client.post(PROCESS, confirm)
        assert response.status_code == 302
        assert set(Station.objects.values_list("name", flat=True)) == {
            "国定路骑手驿站",
            "殷行银行爱心接力站",
        }

    def test_dry_run_with_a_bad_row_offers_no_confirm(
        self, client, district_admin, streets, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(district_admin)
        bad = list(GOOD[1])
        bad[HEADERS.index("纬度")] = "40.0"
        response = dry_run(client, csv_bytes([GOOD[0], bad], "gbk"), "bad.csv", CSV)
        assert "confirm_form" not in response.context
        html = response.content.decode()
        assert "不在上海市范围内" in html
        assert not Station.objects.exists()

    def test_confirm_step_is_all_or_nothing_too(
        self, client, district_admin, streets, enterprise, settings, tmp_path
    ):
        """The data can change between the dry run and the confirm: then nothing is written."""
        settings.MEDIA_ROOT = tmp_path
        client.force_login(district_admin)
        rows = [TestOutletResource.ROW, ["美团外卖政通路站", *TestOutletResource.ROW[1:]]]
        rows[1][2] = "美团(上海)"
        content = csv_bytes(rows, "utf-8", headers=TestOutletResource.HEADERS)
        response = dry_run(
            client, content, "outlets.csv", CSV, url=reverse("admin:stations_outlet_import")
        )
        confirm = response.context["confirm_form"].initial
        Enterprise.objects.filter(pk=enterprise.pk).update(name="美团（上海）")  # row 2 breaks
        response = client.post(
            reverse("admin:stations_outlet_process_import"), confirm, follow=True
        )
        assert not Outlet.objects.exists()
        html = response.content.decode()
        assert "导入失败，没有写入任何数据" in html and "第 2 行" in html

    def test_a_file_that_is_not_a_table_gets_a_clear_error(
        self, client, district_admin, streets, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(district_admin)
        response = dry_run(client, b"\x89PNG\r\n\x1a\n\x00\x00", "photo.xlsx", XLSX)
        assert response.status_code == 200
        assert response.context["form"].errors["import_file"]
        assert not Station.objects.exists()

    def test_only_district_admins_import(self, client, auditor, streets):
        client.force_login(auditor)
        assert client.get(IMPORT).status_code == 403

    def test_organizers_are_not_admin_users(self, client, street_organizer):
        client.force_login(street_organizer)
        response = client.get(IMPORT)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_csv_export_opens_in_excel(self, client, district_admin, station_a):
        client.force_login(district_admin)
        response = client.post(
            reverse("admin:stations_station_export"),
            {"format": "1", "stationresource_name": "on", "stationresource_street": "on"},
        )
        assert response.status_code == 200
        body = response.content
        assert body.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
        assert "五角场HUI新屋" in body.decode("utf-8-sig")
