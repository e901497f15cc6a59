"""Issue 9 x issue 6: "my data" shows the member programs (passport, benefits, aid,
commendations, career plans), an erasure anonymizes them, and the audit trail records aid
moves, benefit claims and redemptions, commendation decisions and points corrections."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Event
from branches.models import Member
from services import care_actions
from services.benefit_actions import benefit_claim
from services.benefits import Benefit, BenefitClaim, BenefitProvider
from services.care import (
    AidAction,
    AidApplication,
    AidAttachment,
    AidProgram,
    CareerMilestone,
    CareerPlan,
    CareerTrack,
    Commendation,
    CommendationState,
    MilestoneCompletion,
)
from services.models import (
    CourseSeries,
    LedgerKind,
    Lesson,
    LessonCompletion,
    PassportSettings,
    PointEntry,
    Route,
    RouteStop,
    RouteStopVisit,
    SourceKind,
    Stamp,
    StampType,
    VolunteerService,
    VolunteerStatus,
)
from services.passport import award, points_reverse
from services.privacy_actions import erasure_complete, erasure_request

MY_DATA = reverse("services:my-data")


@pytest.fixture(autouse=True)
def private_media(monkeypatch, tmp_path):
    """The field's storage is made once at start-up (settings `STORAGES["private"]`): swap it."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(AidAttachment._meta.get_field("file"), "storage", storage)
    return storage


def add_programs(user, by, n, start=0):
    """n rows of each issue-6 record about `user`'s member, written in bulk (the reads are
    under test here, not the actions). `by` is the staff account named on decided rows."""
    rider = Member.objects.get(user=user)
    now = timezone.now()
    today = timezone.localdate()
    ids = range(start, start + n)
    stamp_type = StampType.objects.filter(source_kind=SourceKind.VOLUNTEER).first()
    Stamp.objects.bulk_create(
        Stamp(member=rider, type=stamp_type, source_kind=SourceKind.VOLUNTEER, source_id=i,
              label=f"社区助老{i}")
        for i in ids
    )  # fmt: skip
    PointEntry.objects.bulk_create(
        PointEntry(member=rider, points=5, source_kind=SourceKind.VOLUNTEER, source_id=i,
                   label=f"社区助老{i}", local_date=today)
        for i in ids
    )  # fmt: skip
    VolunteerService.objects.bulk_create(
        VolunteerService(member=rider, description=f"社区助老{i}", served_on=today,
                         hours=Decimal("2.0"), status=VolunteerStatus.REFUSED, decided_by=by,
                         decided_at=now, refusal_reason="材料不全，李强")
        for i in ids
    )  # fmt: skip
    series = CourseSeries.objects.create(title=f"系列{start}", is_published=True)
    lessons = Lesson.objects.bulk_create(
        Lesson(series=series, title=f"第{i}课", order=i, duration_minutes=5, text="正文")
        for i in ids
    )
    LessonCompletion.objects.bulk_create(
        LessonCompletion(member=rider, lesson=lesson, opened_at=now - timedelta(hours=1),
                         finished_at=now)
        for lesson in lessons
    )  # fmt: skip
    route = Route.objects.create(name=f"滨江线{start}", is_published=True)
    stops = RouteStop.objects.bulk_create(
        RouteStop(route=route, order=i, name=f"站点{i}", latitude=31.25, longitude=121.52)
        for i in ids
    )
    RouteStopVisit.objects.bulk_create(
        RouteStopVisit(member=rider, stop=stop, method="qr", visited_at=now) for stop in stops
    )
    PassportSettings.objects.update_or_create(member=rider, defaults={"leaderboard_opt_in": True})
    provider = BenefitProvider.objects.create(name=f"健身房{start}")
    benefits = Benefit.objects.bulk_create(
        Benefit(provider=provider, title=f"优惠{i}", quota=10, valid_from=today,
                valid_until=today + timedelta(days=30))
        for i in ids
    )  # fmt: skip
    BenefitClaim.objects.bulk_create(
        BenefitClaim(benefit=benefit, member=rider, code=f"CODE{start}X{i}")
        for i, benefit in enumerate(benefits)
    )
    program = AidProgram.objects.create(name=f"助学帮扶{start}")
    applications = AidApplication.objects.bulk_create(
        AidApplication(program=program, applicant=rider, amount=Decimal("2000"),
                       reason="孩子上初中，学费困难")
        for _ in ids
    )  # fmt: skip
    AidAction.objects.bulk_create(
        AidAction(application=a, by=by, to_state="submitted", note="家访：李强家三口")
        for a in applications
    )
    AidAttachment.objects.bulk_create(
        AidAttachment(application=a, kind="pdf", file=f"aid/x{a.pk}.pdf",
                      original_name="李强收入证明.pdf")
        for a in applications
    )  # fmt: skip
    Commendation.objects.bulk_create(
        Commendation(title="骑士表彰", year=2000 + i, member=rider, citation="李强暴雨中送药",
                     nominated_by=by)
        for i in ids
    )  # fmt: skip
    tracks = CareerTrack.objects.bulk_create(CareerTrack(name=f"站长培养{i}") for i in ids)
    milestones = CareerMilestone.objects.bulk_create(
        CareerMilestone(track=t, order=1, title="带班一个月") for t in tracks
    )
    plans = CareerPlan.objects.bulk_create(
        CareerPlan(track=t, member=rider, created_by=by) for t in tracks
    )
    MilestoneCompletion.objects.bulk_create(
        MilestoneCompletion(plan=p, milestone=m, completed_by=by, note="表现好，李强")
        for p, m in zip(plans, milestones, strict=True)
    )


PROGRAM_SECTIONS = [
    "stamps", "points", "volunteer_services", "lessons", "route_stop_visits",
    "passport_settings", "benefit_claims", "aid_applications", "aid_actions", "aid_attachments",
    "commendations", "career_plans", "milestones",
]  # fmt: skip


@pytest.mark.django_db
class TestMyDataPrograms:
    def test_a_member_sees_their_programs(self, client, member, street_organizer):
        add_programs(member, street_organizer, 2)
        client.force_login(member)
        response = client.get(MY_DATA)
        sections = {s.key: s for s in response.context["sections"]}
        for key in PROGRAM_SECTIONS:
            expected = 1 if key == "passport_settings" else 2
            assert len(sections[key].rows) == expected, key
        html = response.content.decode()
        for text in ("社区助老1", "第1课", "站点1", "优惠1", "CODE0X1", "孩子上初中，学费困难",
                     "家访：李强家三口", "李强收入证明.pdf", "李强暴雨中送药", "站长培养1",
                     "带班一个月"):  # fmt: skip
            assert text in html, text
        # Who decided is another person's data: not shown.
        assert "wujiaochang" not in html

    def test_the_download_has_the_programs(self, client, member, street_organizer):
        add_programs(member, street_organizer, 1)
        client.force_login(member)
        data = json.loads(client.get(reverse("services:my-data-download")).content)
        assert data["aid_applications"][0]["amount"] == "2000.00"
        assert data["aid_attachments"][0]["original_name"] == "李强收入证明.pdf"
        assert data["passport_settings"][0]["leaderboard_opt_in"] is True
        assert data["benefit_claims"][0]["code"] == "CODE0X0"
        assert data["volunteer_services"][0]["hours"] == "2.0"
        assert data["route_stop_visits"][0]["stop"].endswith("站点0")


# --- Erasure -------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestErasurePrograms:
    def test_erasure_blanks_the_programs_free_text_and_deletes_aid_documents(
        self, client, member, street_organizer, district_admin, private_media
    ):
        add_programs(member, street_organizer, 2)
        rider = Member.objects.get(user=member)
        document = AidAttachment.objects.filter(application__applicant=rider).first()
        document.file.save("proof.pdf", ContentFile(b"%PDF-1.4"), save=True)
        assert private_media.exists(document.file.name)
        entry = PointEntry.objects.filter(member=rider).first()
        points_reverse(entry=entry, reason="重复申报，李强承认", by=district_admin)
        Commendation.objects.filter(member=rider).update(
            state=CommendationState.APPROVED, decided_by=district_admin, decided_at=timezone.now(),
            decision_note="事迹属实，李强",
        )  # fmt: skip
        client.force_login(member)
        assert "李强暴雨中送药" in client.get(reverse("services:honour-roll")).content.decode()

        request = erasure_request(member=rider, by=member)
        with TestCase.captureOnCommitCallbacks(execute=True):
            erasure_complete(request=request, by=street_organizer)

        dump = json.dumps(
            [
                list(VolunteerService.objects.values("description", "refusal_reason")),
                list(Stamp.objects.values("label")),
                list(PointEntry.objects.values("label", "reason")),
                list(AidApplication.objects.values("reason")),
                list(AidAction.objects.values("note")),
                list(Commendation.objects.values("citation", "decision_note")),
                list(MilestoneCompletion.objects.values("note")),
            ],
            ensure_ascii=False,
        )
        for text in ("社区助老", "李强", "孩子上初中", "家访"):
            assert text not in dump, text
        assert not AidAttachment.objects.exists()
        assert not private_media.exists(document.file.name)
        assert not PassportSettings.objects.filter(member=rider).exists()
        # The counts stay with the anonymous stub: programme totals and aid accounts add up.
        assert Stamp.objects.filter(member=rider).count() == 2
        assert PointEntry.objects.filter(member=rider).count() == 3
        assert AidApplication.objects.filter(applicant=rider, amount=2000).count() == 2
        assert BenefitClaim.objects.filter(member=rider).count() == 2
        assert LessonCompletion.objects.filter(member=rider).count() == 2
        assert RouteStopVisit.objects.filter(member=rider).count() == 2
        # The honour stays on record but leaves the public roll.
        assert Commendation.objects.filter(member=rider, state="approved").count() == 2
        assert not Commendation.objects.honour_roll().exists()
        html = client.get(reverse("services:honour-roll")).content.decode()
        assert "骑士表彰" not in html
        record = AuditEvent.objects.get(event=Event.ERASURE)
        assert record.detail["counts"]["aid_attachments"] == 2
        assert record.detail["counts"]["commendations"] == 2


# --- Audit of changes ----------------------------------------------------------------------------


def last(**filters):
    return AuditEvent.objects.filter(**filters).order_by("-pk").first()


@pytest.mark.django_db
class TestAuditPrograms:
    def test_aid_application_and_each_move_are_recorded_without_the_reason(
        self, client, member, street_organizer
    ):
        program = AidProgram.objects.create(name="助学帮扶")
        application = care_actions.aid_apply(
            by=member, program=program, amount=Decimal("2000"), reason="孩子上初中，学费困难"
        )
        created = last(object_type="services.aidapplication", event=Event.CREATE)
        assert created.object_id == str(application.pk)
        assert created.changes["amount"] == [None, "2000"] and created.changes["state"][1] == (
            "submitted"
        )
        client.force_login(street_organizer)
        client.post(reverse("services:aid-move", args=[application.pk]), {"move": "review"})
        moved = last(object_type="services.aidapplication", event=Event.UPDATE)
        assert moved.changes == {"state": ["submitted", "reviewed"]}
        assert moved.actor_username == "wujiaochang"
        trail = json.dumps(
            list(AuditEvent.objects.values("changes", "object_repr")), ensure_ascii=False
        )
        assert "孩子上初中" not in trail

    def test_benefit_claim_and_redemption_are_recorded_without_the_code(
        self, client, member, district_admin
    ):
        provider = BenefitProvider.objects.create(name="健身房")
        today = timezone.localdate()
        benefit = Benefit.objects.create(
            provider=provider, title="月卡", quota=5, valid_from=today, valid_until=today
        )
        client.force_login(member)
        client.post(reverse("services:benefit-claim", args=[benefit.pk]))
        claim = BenefitClaim.objects.get()
        claimed = last(object_type="services.benefitclaim", event=Event.CREATE)
        assert claimed.actor_username == "rider" and "code" not in claimed.changes
        assert claimed.changes["benefit"] == [None, benefit.pk]
        client.force_login(district_admin)
        client.post(reverse("services:benefit-redeem"), {"code": claim.code})
        redeemed = last(object_type="services.benefitclaim", event=Event.UPDATE)
        assert redeemed.actor_username == "district"
        assert redeemed.changes["redeemed_by"] == [None, district_admin.pk]
        assert claim.code not in json.dumps(list(AuditEvent.objects.values("changes", "detail")))

    def test_commendation_decision_is_recorded(
        self, client, member, street_organizer, district_admin
    ):
        rider = Member.objects.get(user=member)
        nomination = care_actions.commendation_nominate(
            by=street_organizer, member=rider, title="骑士表彰", year=2026, citation="暴雨送药"
        )
        assert last(object_type="services.commendation").event == Event.CREATE
        client.force_login(district_admin)
        client.post(
            reverse("services:nomination-decide", args=[nomination.pk]),
            {"decision": "approve", "note": "属实"},
        )
        decided = last(object_type="services.commendation", event=Event.UPDATE)
        assert decided.actor_username == "district"
        assert decided.changes["state"] == ["nominated", "approved"]
        assert decided.changes["decision_note"] == ["", "属实"]

    def test_points_corrections_are_recorded_and_awards_are_not(
        self, client, member, district_admin
    ):
        rider = Member.objects.get(user=member)
        before = AuditEvent.objects.count()
        entry = award(member=rider, source_kind=SourceKind.LESSON, source_id=1, label="第1课").entry
        assert AuditEvent.objects.count() == before
        client.force_login(district_admin)
        client.post(reverse("services:entry-reverse", args=[entry.pk]), {"reason": "误记"})
        correction = PointEntry.objects.get(kind=LedgerKind.CORRECTION)
        record = last(object_type="services.pointentry")
        assert record.event == Event.CREATE and record.object_id == str(correction.pk)
        assert record.actor_username == "district"
        assert record.changes["points"] == [None, -entry.points]
        assert record.changes["reason"] == [None, "误记"]
        assert AuditEvent.objects.filter(object_type="services.pointentry").count() == 1

    def test_claiming_records_once_and_refusals_record_nothing(self, member):
        provider = BenefitProvider.objects.create(name="手机店")
        today = timezone.localdate()
        benefit = Benefit.objects.create(
            provider=provider, title="贴膜", quota=5, valid_from=today, valid_until=today
        )
        benefit_claim(benefit=benefit, by=member)
        count = AuditEvent.objects.count()
        with pytest.raises(ValidationError):
            benefit_claim(benefit=benefit, by=member)
        assert AuditEvent.objects.count() == count
