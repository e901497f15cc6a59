"""The political-status lifecycle and transfers, through their actions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from branches.actions import (
    member_advance_status,
    member_correct_status,
    next_statuses,
    transfer_accept,
    transfer_refuse,
    transfer_request,
)
from branches.models import Member, MemberStatusChange, PoliticalStatus, Transfer, TransferStatus
from tests.conftest import make_member

DAY = datetime.date(2025, 7, 1)


@pytest.fixture
def worker(street_a):
    return make_member(street=street_a, name="王芳")


@pytest.mark.django_db
class TestLifecycle:
    def test_steps_go_forward_one_at_a_time_and_are_recorded(
        self, worker, street_organizer, rider_branch, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        change = member_advance_status(
            member=worker,
            to_status=PoliticalStatus.APPLICANT,
            on=DAY,
            by=street_organizer,
            note="递交入党申请书",
            attachment=SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test"),
            organization=rider_branch,
        )
        worker.refresh_from_db()
        assert worker.political_status == PoliticalStatus.APPLICANT
        assert worker.organization == rider_branch
        assert (change.from_status, change.to_status, change.recorded_by) == (
            PoliticalStatus.MASSES,
            PoliticalStatus.APPLICANT,
            street_organizer,
        )
        assert change.attachment.name.endswith(".pdf")
        assert change.attachment.storage.exists(change.attachment.name)
        for status in ["activist", "candidate", "probationary", "full"]:
            member_advance_status(member=worker, to_status=status, on=DAY, by=street_organizer)
        worker.refresh_from_db()
        assert worker.political_status == PoliticalStatus.FULL
        assert worker.joined_party_on == DAY  # set when becoming probationary
        assert worker.status_changes.count() == 5

    @pytest.mark.parametrize("target", ["activist", "full", "masses"])
    def test_skipping_or_going_back_is_refused_and_writes_nothing(
        self, worker, street_organizer, target
    ):
        with pytest.raises(ValidationError) as error:
            member_advance_status(member=worker, to_status=target, on=DAY, by=street_organizer)
        assert "更正" in " ".join(error.value.messages)
        worker.refresh_from_db()
        assert worker.political_status == PoliticalStatus.MASSES
        assert MemberStatusChange.objects.count() == 0

    def test_leaving_clears_the_organization_and_ends_the_lifecycle(
        self, street_a, rider_branch, street_organizer
    ):
        member = make_member(street=street_a, organization=rider_branch)
        assert next_statuses(member) == [PoliticalStatus.LEFT]
        member_advance_status(
            member=member, to_status=PoliticalStatus.LEFT, on=DAY, by=street_organizer
        )
        member.refresh_from_db()
        assert (member.political_status, member.organization) == (PoliticalStatus.LEFT, None)
        assert next_statuses(member) == []

    def test_future_dates_are_refused(self, worker, street_organizer):
        with pytest.raises(ValidationError):
            member_advance_status(
                member=worker,
                to_status="applicant",
                on=datetime.date.today() + datetime.timedelta(days=3),
                by=street_organizer,
            )
        assert MemberStatusChange.objects.count() == 0

    def test_a_correction_goes_back_with_a_reason(self, street_a, rider_branch, district_admin):
        member = make_member(street=street_a, organization=rider_branch)
        with pytest.raises(ValidationError):
            member_correct_status(
                member=member, to_status="activist", on=DAY, by=district_admin, reason="  "
            )
        change = member_correct_status(
            member=member, to_status="activist", on=DAY, by=district_admin, reason="录入错误"
        )
        member.refresh_from_db()
        assert member.political_status == "activist"
        assert member.organization == rider_branch
        assert change.is_correction and change.note == "录入错误"


@pytest.mark.django_db
class TestTransfers:
    @pytest.fixture
    def party_member(self, street_a, rider_branch):
        return make_member(street=street_a, name="陈静", organization=rider_branch)

    def test_accepting_moves_the_member_and_keeps_history(
        self, party_member, enterprise_organizer, street_organizer, committee_a, rider_branch
    ):
        transfer = transfer_request(
            member=party_member, to_organization=committee_a, by=enterprise_organizer
        )
        assert transfer.from_organization == rider_branch
        with pytest.raises(PermissionDenied):
            transfer_accept(transfer=transfer, by=enterprise_organizer)
        transfer_accept(transfer=transfer, by=street_organizer, note="欢迎")
        party_member.refresh_from_db()
        transfer.refresh_from_db()
        assert party_member.organization == committee_a
        assert transfer.status == TransferStatus.ACCEPTED
        assert transfer.decided_by == street_organizer and transfer.decided_at
        with pytest.raises(ValidationError):
            transfer_refuse(transfer=transfer, by=street_organizer, note="晚了")

    def test_refusal_needs_a_reason_and_leaves_the_member(
        self, party_member, enterprise_organizer, street_organizer, committee_a, rider_branch
    ):
        transfer = transfer_request(
            member=party_member, to_organization=committee_a, by=enterprise_organizer
        )
        with pytest.raises(ValidationError):
            transfer_refuse(transfer=transfer, by=street_organizer, note="")
        transfer_refuse(transfer=transfer, by=street_organizer, note="不在本街道工作")
        party_member.refresh_from_db()
        assert party_member.organization == rider_branch
        assert Transfer.objects.get().status == TransferStatus.REFUSED

    def test_one_pending_request_per_member(
        self, party_member, enterprise_organizer, committee_a, committee_b
    ):
        transfer_request(member=party_member, to_organization=committee_a, by=enterprise_organizer)
        with pytest.raises(ValidationError):
            transfer_request(
                member=party_member, to_organization=committee_b, by=enterprise_organizer
            )
        assert Transfer.objects.count() == 1

    def test_masses_and_same_organization_are_refused(
        self, street_a, party_member, rider_branch, district_admin, district_org
    ):
        worker = make_member(street=street_a)
        for member, target in [
            (worker, rider_branch),
            (party_member, rider_branch),
            (party_member, district_org),
        ]:
            with pytest.raises(ValidationError):
                transfer_request(member=member, to_organization=target, by=district_admin)
        assert Transfer.objects.count() == 0
        assert Member.objects.get(pk=party_member.pk).organization == rider_branch
