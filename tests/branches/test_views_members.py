"""Member page, create and edit forms, lifecycle and transfer pages, by persona."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.actions import transfer_request
from branches.models import Member, MemberStatusChange, PoliticalStatus, Transfer, TransferStatus
from tests.branches.conftest import queries_of
from tests.conftest import make_member

CREATE = reverse("branches:member-create")
TRANSFERS = reverse("branches:transfer-list")


def url(name, obj):
    return reverse(f"branches:{name}", args=[obj.pk])


@pytest.fixture
def worker(street_a):
    return make_member(street=street_a, name="王芳", gender="female")


@pytest.fixture
def far_member(street_b, rider_branch):
    """A rider-branch party member who lives in street B: outside street A's scope."""
    return make_member(street=street_b, name="陈静", organization=rider_branch)


def new_member_data(home, **overrides):
    return {
        "name": "刘洋",
        "gender": "male",
        "phone": "+86 100-2000-0001",
        "occupation": "courier",
        "street": home.pk,
        "political_status": "masses",
        **overrides,
    }


@pytest.mark.django_db
class TestMemberPage:
    def test_anonymous_goes_to_sign_in(self, client, worker):
        response = client.get(url("member-detail", worker))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("persona", ["member", "station_staff", "auditor"])
    def test_roles_without_a_roster_get_403(self, persona, as_persona, client, worker):
        as_persona(persona)
        for name in ["member-detail", "member-edit"]:
            response = client.get(url(name, worker))
            assert response.status_code == 403
            assert worker.phone not in response.content.decode()
        assert client.get(CREATE).status_code == 403

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("street_organizer", 200),
            ("district_admin", 200),
            ("outsider", 404),
            ("enterprise_organizer", 404),
        ],
    )
    def test_scope_decides(self, persona, status, as_persona, client, worker):
        as_persona(persona)
        for name in ["member-detail", "member-edit"]:
            response = client.get(url(name, worker))
            assert response.status_code == status
        if status == 200:
            html = client.get(url("member-detail", worker)).content.decode()
            assert "王芳" in html and worker.phone in html

    def test_wrong_methods_are_405(self, client, street_organizer, worker):
        client.force_login(street_organizer)
        assert client.post(url("member-detail", worker)).status_code == 405
        assert client.get(url("member-status-advance", worker)).status_code == 405
        assert client.get(url("member-status-correct", worker)).status_code == 405
        assert client.get(url("transfer-create", worker)).status_code == 405

    def test_timeline_shows_steps_with_who_and_attachments(
        self, client, street_organizer, worker, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(street_organizer)
        response = client.post(
            url("member-status-advance", worker),
            {
                "to_status": "applicant",
                "changed_on": "2025-03-01",
                "note": "递交申请书",
                "attachment": SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
            },
        )
        assert response.status_code == 302
        html = client.get(url("member-detail", worker)).content.decode()
        assert "2025-03-01" in html and "群众 → 入党申请人" in html and "递交申请书" in html
        assert "wujiaochang" in html and "查看附件" in html
        change = MemberStatusChange.objects.get()
        download = reverse("branches:status-attachment", args=[worker.pk, change.pk])
        assert download in html and "/media/" not in html
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4"
        assert response["Content-Disposition"].startswith("attachment")

    def test_attachment_follows_scope(
        self, client, street_organizer, outsider, station_staff, worker, settings, tmp_path
    ):
        from branches.actions import member_advance_status

        settings.MEDIA_ROOT = tmp_path
        change = member_advance_status(
            member=worker,
            to_status="applicant",
            on=datetime.date(2025, 1, 2),
            by=street_organizer,
            attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        )
        download = reverse("branches:status-attachment", args=[worker.pk, change.pk])
        assert client.get(download).status_code == 302  # anonymous
        client.force_login(outsider)
        assert client.get(download).status_code == 404
        client.force_login(station_staff)
        assert client.get(download).status_code == 403
        client.force_login(street_organizer)
        assert client.post(download).status_code == 405
        other = reverse("branches:status-attachment", args=[worker.pk, change.pk + 1])
        assert client.get(other).status_code == 404

    def test_a_step_without_a_recorder_still_renders(self, client, street_organizer, worker):
        # Demo data and deleted accounts leave `recorded_by` empty.
        from branches.actions import member_advance_status

        member_advance_status(
            member=worker, to_status="applicant", on=datetime.date(2025, 1, 2), by=None
        )
        client.force_login(street_organizer)
        html = client.get(url("member-detail", worker)).content.decode()
        assert "2025-01-02" in html and "记录人" not in html

    def test_bad_step_input_is_a_message_not_a_write(self, client, street_organizer, worker):
        client.force_login(street_organizer)
        for data in [
            {"to_status": "full", "changed_on": "2025-03-01"},
            {"to_status": "applicant", "changed_on": "not a date"},
            {"to_status": "applicant", "changed_on": "2999-01-01"},
            {
                "to_status": "applicant",
                "changed_on": "2025-03-01",
                "attachment": SimpleUploadedFile("x.exe", b"MZ"),
            },
        ]:
            response = client.post(url("member-status-advance", worker), data)
            assert response.status_code == 400
            assert "form-errors" in response.content.decode()
        assert MemberStatusChange.objects.count() == 0
        worker.refresh_from_db()
        assert worker.political_status == PoliticalStatus.MASSES

    def test_correction_needs_a_reason(self, client, district_admin, worker):
        client.force_login(district_admin)
        data = {"to_status": "activist", "changed_on": "2025-03-01", "note": ""}
        assert client.post(url("member-status-correct", worker), data).status_code == 400
        data["note"] = "纸质档案为积极分子"
        assert client.post(url("member-status-correct", worker), data).status_code == 302
        change = MemberStatusChange.objects.get()
        assert change.is_correction and change.to_status == "activist"
        assert "更正" in client.get(url("member-detail", worker)).content.decode()


@pytest.mark.django_db
class TestCreateAndEdit:
    def test_street_organizer_registers_a_worker_in_their_street(
        self, client, street_organizer, street_a
    ):
        client.force_login(street_organizer)
        assert "登记人员" in client.get(CREATE).content.decode()
        response = client.post(CREATE, new_member_data(street_a))
        member = Member.objects.get(name="刘洋")
        assert response["Location"] == url("member-detail", member)
        assert member.phone == "10020000001"

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"phone": "12345"}, "11 位手机号"),
            ({"name": ""}, "这个字段是必填项"),
            ({"political_status": "masses", "organization": "__branch__"}, "不属于任何党组织"),
            ({"street": "__b__"}, "管辖范围"),
            ({"gender": "robot"}, "robot"),
        ],
    )
    def test_bad_input_explains_and_writes_nothing(
        self, client, street_organizer, street_a, street_b, committee_a, overrides, message
    ):
        if overrides.get("organization") == "__branch__":
            overrides["organization"] = committee_a.pk
        if overrides.get("street") == "__b__":
            overrides["street"] = street_b.pk
        client.force_login(street_organizer)
        response = client.post(CREATE, new_member_data(street_a, **overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Member.objects.filter(name__in=["刘洋", ""]).exists()

    def test_duplicate_phone_is_refused(self, client, district_admin, street_a, worker):
        client.force_login(district_admin)
        response = client.post(CREATE, new_member_data(street_a, phone=worker.phone))
        assert "已存在" in response.content.decode()
        assert Member.objects.count() == 1

    def test_edit_changes_details_but_not_status(self, client, street_organizer, worker):
        client.force_login(street_organizer)
        form = client.get(url("member-edit", worker)).context["form"]
        assert "political_status" not in form.fields and "organization" not in form.fields
        data = {
            "name": "王芳芳",
            "gender": "female",
            "phone": "100 3000 0002",
            "occupation": "rider",
            "street": worker.street_id,
            "political_status": "full",
        }
        assert client.post(url("member-edit", worker), data).status_code == 302
        worker.refresh_from_db()
        assert (worker.name, worker.phone, worker.political_status) == (
            "王芳芳",
            "10030000002",
            "masses",
        )

    def test_edit_cannot_move_a_member_out_of_scope(
        self, client, street_organizer, worker, street_b
    ):
        client.force_login(street_organizer)
        data = {
            "name": "王芳",
            "gender": "female",
            "phone": worker.phone,
            "occupation": "rider",
            "street": street_b.pk,
        }
        assert "管辖范围" in client.post(url("member-edit", worker), data).content.decode()
        worker.refresh_from_db()
        assert worker.street.slug == "wujiaochang"


@pytest.mark.django_db
class TestTransferPages:
    def test_request_then_accept_moves_the_member(
        self, client, enterprise_organizer, street_organizer, far_member, committee_a
    ):
        client.force_login(enterprise_organizer)
        response = client.post(
            url("transfer-create", far_member),
            {"to_organization": committee_a.pk, "reason": "搬家"},
        )
        assert response.status_code == 302
        transfer = Transfer.objects.get()
        assert transfer.status == TransferStatus.PENDING

        client.force_login(street_organizer)
        html = client.get(TRANSFERS).content.decode()
        # Not yet in the receiving organizer's scope: the phone is masked.
        assert far_member.masked_phone in html and far_member.phone not in html
        response = client.post(url("transfer-decide", transfer), {"decision": "accept"})
        assert response.status_code == 302
        far_member.refresh_from_db()
        assert far_member.organization == committee_a
        html = client.get(url("member-detail", far_member)).content.decode()
        assert "已接收" in html and far_member.phone in html

    def test_sender_sees_but_cannot_decide(
        self, client, enterprise_organizer, far_member, committee_a
    ):
        transfer = transfer_request(
            member=far_member, to_organization=committee_a, by=enterprise_organizer
        )
        client.force_login(enterprise_organizer)
        assert "陈静" in client.get(TRANSFERS).content.decode()
        assert (
            client.post(url("transfer-decide", transfer), {"decision": "accept"}).status_code == 403
        )
        transfer.refresh_from_db()
        assert transfer.status == TransferStatus.PENDING

    def test_outsider_gets_404_and_roles_without_roster_403(
        self, client, outsider, station_staff, enterprise_organizer, far_member, committee_a
    ):
        transfer = transfer_request(
            member=far_member, to_organization=committee_a, by=enterprise_organizer
        )
        client.force_login(outsider)
        # The outsider organizes street B, where the member lives: they see it, but do not decide.
        assert (
            client.post(url("transfer-decide", transfer), {"decision": "accept"}).status_code == 403
        )
        client.force_login(station_staff)
        assert client.get(TRANSFERS).status_code == 403
        assert (
            client.post(url("transfer-decide", transfer), {"decision": "accept"}).status_code == 403
        )
        client.logout()
        assert client.get(TRANSFERS).status_code == 302
        assert client.get(url("transfer-decide", transfer)).status_code == 302

    def test_stranger_gets_404(
        self, client, enterprise_organizer, outsider, street_a, rider_branch, committee_a
    ):
        member = make_member(street=street_a, name="孙悦", organization=rider_branch)
        transfer = transfer_request(
            member=member, to_organization=committee_a, by=enterprise_organizer
        )
        client.force_login(outsider)
        response = client.post(url("transfer-decide", transfer), {"decision": "accept"})
        assert response.status_code == 404
        assert "孙悦" not in client.get(TRANSFERS).content.decode()

    def test_refusal_without_reason_is_a_message(
        self, client, street_organizer, enterprise_organizer, far_member, committee_a
    ):
        transfer = transfer_request(
            member=far_member, to_organization=committee_a, by=enterprise_organizer
        )
        client.force_login(street_organizer)
        response = client.post(
            url("transfer-decide", transfer), {"decision": "refuse", "note": ""}, follow=True
        )
        assert "拒绝时必须填写原因" in response.content.decode()
        transfer.refresh_from_db()
        assert transfer.status == TransferStatus.PENDING

    def test_transfer_list_queries_do_not_grow(
        self,
        client,
        street_organizer,
        enterprise_organizer,
        street_b,
        rider_branch,
        committee_a,
        django_assert_num_queries,
    ):
        client.force_login(street_organizer)

        def add(n):
            for i in range(n):
                member = make_member(street=street_b, name=f"转{i}", organization=rider_branch)
                transfer_request(
                    member=member, to_organization=committee_a, by=enterprise_organizer
                )

        add(2)
        _, small = queries_of(lambda: client.get(TRANSFERS))
        add(12)
        with django_assert_num_queries(small):
            response = client.get(TRANSFERS)
        assert len(response.context["incoming"]) == 14

    def test_bad_request_input_is_a_message(self, client, enterprise_organizer, far_member):
        client.force_login(enterprise_organizer)
        response = client.post(url("transfer-create", far_member), {"to_organization": "x"})
        assert response.status_code == 400 and "form-errors" in response.content.decode()
        assert Transfer.objects.count() == 0
