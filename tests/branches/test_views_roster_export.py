"""Roster filters, search by phone tail, and the XLSX/CSV export of the filtered rows."""

import io

import openpyxl
import pytest
from django.urls import reverse

from branches.actions import organization_create
from branches.models import OrganizationKind
from branches.resources import COLUMNS
from tests.branches.conftest import bulk_members, queries_of
from tests.conftest import make_member

ROSTER = reverse("branches:member-list")


def export(fmt):
    return reverse("branches:member-export", args=[fmt])


def names(response):
    return sorted(m.name for m in response.context["page"].object_list)


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def people(street_a, street_b, committee_a, rider_branch, enterprise):
    sub = organization_create(
        parent=committee_a, name="快递员党支部", kind=OrganizationKind.BRANCH, street=street_a
    )
    return {
        "wang": make_member(street=street_a, name="王芳", gender="female", employer=enterprise),
        "zhao": make_member(street=street_b, name="赵磊", occupation="courier"),
        "chen": make_member(street=street_a, name="陈静", organization=sub, is_mobile=True),
        "li": make_member(street=street_b, name="=HYPERLINK(1)", organization=rider_branch),
    }


@pytest.mark.django_db
class TestFilters:
    def test_phone_tail_and_name(self, client, district_admin, people):
        client.force_login(district_admin)
        tail = people["zhao"].phone[-4:]
        assert names(client.get(ROSTER, {"q": tail})) == ["赵磊"]
        assert names(client.get(ROSTER, {"q": people["zhao"].phone[:5]})) == []  # a tail only
        assert names(client.get(ROSTER, {"q": "静"})) == ["陈静"]

    def test_each_filter(self, client, district_admin, people, committee_a, enterprise, street_b):
        client.force_login(district_admin)
        assert names(client.get(ROSTER, {"organization": committee_a.pk})) == ["陈静"]
        assert names(client.get(ROSTER, {"employer": enterprise.pk})) == ["王芳"]
        assert names(client.get(ROSTER, {"mobile": "yes"})) == ["陈静"]
        assert names(client.get(ROSTER, {"occupation": "courier"})) == ["赵磊"]
        assert names(client.get(ROSTER, {"street": street_b.pk, "political_status": "masses"})) == [
            "赵磊"
        ]

    def test_organization_outside_scope_is_ignored_not_leaked(
        self, client, street_organizer, people, rider_branch
    ):
        client.force_login(street_organizer)
        response = client.get(ROSTER, {"organization": rider_branch.pk})
        assert names(response) == ["王芳", "陈静"]  # the filter is dropped, scope remains

    def test_query_count_is_constant_with_filters(
        self, client, street_organizer, street_a, committee_a, django_assert_num_queries
    ):
        client.force_login(street_organizer)
        params = {"organization": committee_a.pk, "q": "成员"}
        bulk_members(10, street=street_a, organization=committee_a)
        _, small = queries_of(lambda: client.get(ROSTER, params))
        bulk_members(2000, street=street_a, organization=committee_a)
        with django_assert_num_queries(small):
            response = client.get(ROSTER, params)
        assert response.context["page"].paginator.count == 2010


@pytest.mark.django_db
class TestExport:
    def test_xlsx_has_the_template_columns_and_the_filtered_rows(
        self, client, district_admin, people, street_b
    ):
        client.force_login(district_admin)
        response = client.get(export("xlsx"), {"street": street_b.pk, "occupation": "courier"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = xlsx_rows(response)
        assert tuple(rows[0]) == COLUMNS
        assert rows[1:] == [
            [
                "赵磊",
                "男",
                people["zhao"].phone,
                "群众",
                None,
                "快递员",
                None,
                "殷行街道",
                None,
                "否",
            ]
        ]

    def test_csv_is_utf8_with_bom_and_escapes_formulas(self, client, street_organizer, people):
        client.force_login(street_organizer)
        response = client.get(export("csv"))
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff姓名,性别,手机号")
        assert "'=HYPERLINK(1)" not in text  # rider-branch member is outside the street's scope
        assert "赵磊" not in text  # street B
        assert people["chen"].phone in text and "快递员党支部" in text and "是" in text

    def test_formula_cells_are_escaped(self, client, district_admin, people):
        client.force_login(district_admin)
        rows = xlsx_rows(client.get(export("xlsx"), {"q": "HYPER"}))
        assert rows[1][0] == "'=HYPERLINK(1)"

    def test_export_respects_scope(self, client, enterprise_organizer, people):
        client.force_login(enterprise_organizer)
        rows = xlsx_rows(client.get(export("xlsx")))
        assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1)"]

    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor"])
    def test_roles_without_a_roster_get_403(self, persona, as_persona, client, people):
        as_persona(persona)
        assert client.get(export("xlsx")).status_code == 403
        assert client.get(reverse("branches:member-template")).status_code == 403

    def test_anonymous_and_wrong_method_and_unknown_format(self, client, district_admin):
        assert client.get(export("csv")).status_code == 302
        client.force_login(district_admin)
        assert client.post(export("csv")).status_code == 405
        assert client.get(export("pdf")).status_code == 404

    def test_template_is_the_header_row(self, client, street_organizer):
        client.force_login(street_organizer)
        rows = xlsx_rows(client.get(reverse("branches:member-template")))
        assert rows == [list(COLUMNS)]

    def test_roster_links_export_with_filters_and_template(self, client, district_admin, people):
        client.force_login(district_admin)
        html = client.get(ROSTER, {"q": "王"}).content.decode()
        assert export("xlsx") + "?q=" in html and reverse("branches:member-template") in html
