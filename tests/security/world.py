"""One small world for the security suites: every persona, and one object of each kind a URL
needs (in street A, the personas' home street, plus a station of street B), built through the
actions like the rest of the tests."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from branches.actions import (
    member_advance_status,
    organization_create,
    transfer_request,
    visit_create,
)
from branches.models import OrganizationKind, PoliticalStatus, RosterImportJob
from services import benefit_actions, care_actions, passport, passport_actions, privacy_actions
from services.actions import attachment_add, leave_request, minutes_save
from services.benefits import Benefit, BenefitProvider
from services.care import (
    AidAttachment,
    AidProgram,
    CareerMilestone,
    CareerTrack,
)
from services.models import (
    Activity,
    CourseSeries,
    Lesson,
    ReportCategory,
    Route,
    RouteStop,
    SourceKind,
    StampGoal,
)
from services.report_actions import report_submit
from stations.actions import (
    outlet_survey,
    place_visit_create,
    station_closure_add,
    visitor_count_add,
)
from tests.conftest import make_member, make_user
from tests.security.matrix import PERSONAS
from tests.services.conftest import make_activity


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world(request) -> World:
    """Every persona plus the objects; about 60 queries' worth of actions."""
    users = {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    get = request.getfixturevalue
    street_a, station_a, station_b = get("street_a"), get("station_a"), get("station_b")
    rider_branch, committee_a = get("rider_branch"), get("committee_a")
    organizer = users["enterprise_organizer"]
    member = users["member"].member

    applicant = make_member(street=street_a, name="王芳")
    change = member_advance_status(
        member=applicant,
        to_status=PoliticalStatus.APPLICANT,
        on=timezone.localdate(),
        by=users["street_organizer"],
        attachment=ContentFile(b"%PDF-1.4\n%%EOF\n", name="application.pdf"),
    )
    other_branch = organization_create(
        parent=committee_a, name="快递小哥党支部", kind=OrganizationKind.BRANCH, street=street_a
    )
    transfer = transfer_request(member=member, to_organization=other_branch, by=organizer)
    meeting = make_activity(by=organizer, host=rider_branch, station=station_a)
    past = make_activity(
        by=organizer,
        host=rider_branch,
        station=station_a,
        title="支部党员大会",
        start=timezone.now() - datetime.timedelta(days=1),
    )
    minutes = minutes_save(
        activity=past, by=organizer, chair="李强", recorder="王芳", topic="学习", content="内容"
    )
    minutes_attachment = attachment_add(
        minutes=minutes,
        by=organizer,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="signin.pdf"),
        kind="signin_sheet",
    )
    leave = leave_request(activity=meeting, by=users["member"], reason="送单")
    closure = station_closure_add(
        station=station_a, on=timezone.localdate() + datetime.timedelta(days=9), reason="装修"
    )
    visitors = visitor_count_add(
        station=station_a, purpose="rest", count=3, by=users["station_staff"]
    )
    outlet = outlet_survey(
        by=users["street_organizer"],
        enterprise=get("enterprise"),
        name="五角场网点",
        street=street_a,
        address="国定路 2 号",
        latitude=31.30,
        longitude=121.51,
        rider_count=12,
    )
    visit = visit_create(
        by=users["street_organizer"],
        visited_on=timezone.localdate(),
        notes="走访",
        member=member,
    )
    # Issue 37: a visit to a station, and the district admin's background roster import (made
    # directly: starting one through its action would queue a task for a file in storage).
    place_visit = place_visit_create(
        by=users["district_admin"],
        visited_on=timezone.localdate(),
        notes="查看休息区",
        station=station_a,
    )
    import_job = RosterImportJob.objects.create(
        user=users["district_admin"], file_name="名册.xlsx", file_format="xlsx", file_size=2048
    )
    report = report_submit(
        by=users["member"],
        category=ReportCategory.objects.order_by("pk").first(),
        description="井盖松动",
        street=street_a,
        latitude=31.2995,
        longitude=121.5145,
    )
    objects = {**programs(request, users, member, street_a)}
    objects |= {
        "street_a": street_a,
        "station_a": station_a,
        "station_b": station_b,
        "organization": rider_branch,
        "member": member,
        "applicant": applicant,
        "status_change": change,
        "transfer": transfer,
        "meeting": meeting,
        "past_meeting": past,
        "minutes": minutes,
        "minutes_attachment": minutes_attachment,
        "leave": leave,
        "closure": closure,
        "visitors": visitors,
        "outlet": outlet,
        "visit": visit,
        "place_visit": place_visit,
        "import_job": import_job,
        "report": report,
    }
    assert Activity.objects.count() == 2
    return World(users=users, objects=objects)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def programs(request, users, member, street_a) -> dict:
    """The objects of the member programs (issue 6) and of "my data" (issue 9a): all of them
    belong to the member persona, in street A."""
    today = timezone.localdate()
    # Aid attachments go to the private storage, made once at start-up: swap it for a
    # temporary directory (as tests/services/test_aid.py does).
    request.getfixturevalue("monkeypatch").setattr(
        AidAttachment._meta.get_field("file"),
        "storage",
        FileSystemStorage(location=request.getfixturevalue("tmp_path") / "private"),
    )
    rider = users["member"]
    goal = StampGoal.objects.create(name="六枚印章", stamps_required=6, benefit_label="体检")
    points = passport.award(
        member=member, source_kind=SourceKind.STATION_CHECKIN, source_id=1, label="五角场"
    ).entry
    service = passport_actions.volunteer_declare(
        by=rider, description="社区助老送餐", served_on=today, hours=Decimal("2.5")
    )
    series = CourseSeries.objects.create(title="骑手安全微讲堂", is_published=True)
    lesson = Lesson.objects.create(
        series=series, title="头盔的学问", order=1, duration_minutes=3, text="戴好头盔"
    )
    route = Route.objects.create(name="杨浦滨江秀带线", is_published=True)
    stop = RouteStop.objects.create(
        route=route, order=1, name="人民城市建设规划展示馆", latitude=31.2561, longitude=121.5224
    )
    provider = BenefitProvider.objects.create(name="五角场健身房")
    benefit = Benefit.objects.create(
        provider=provider,
        title="骑手体检套餐",
        quota=10,
        valid_from=today - datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=30),
    )
    claim = benefit_actions.benefit_claim(benefit=benefit, by=rider)
    aid = care_actions.aid_apply(
        by=rider,
        program=AidProgram.objects.create(name="助学帮扶", max_amount=Decimal("5000")),
        amount=Decimal("2000"),
        reason="孩子上初中，学费困难",
        files=[SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")],
    )
    commendation = care_actions.commendation_nominate(
        by=users["street_organizer"],
        member=member,
        title="骑士表彰",
        year=2026,
        citation="见义勇为",
    )
    track = CareerTrack.objects.create(name="站长培养计划", description="从骑手到站长")
    milestone = CareerMilestone.objects.create(track=track, order=1, title="担任骑手小组长")
    plan = care_actions.career_plan_start(by=users["street_organizer"], member=member, track=track)
    # The erasure request comes from another rider of street A, so that the member persona's
    # own data stays as the other rows expect.
    asker = make_user("rider-erasure")
    make_member(street=street_a, name="赵磊", user=asker)
    erasure = privacy_actions.erasure_request(member=asker.member, by=asker)
    return {
        "stamp_goal": goal,
        "point_entry": points,
        "volunteer_service": service,
        "card_token": passport.card_token(member),
        "lesson": lesson,
        "route": route,
        "route_stop": stop,
        "benefit": benefit,
        "benefit_claim": claim,
        "aid_application": aid,
        "aid_attachment": aid.attachments.get(),
        "commendation": commendation,
        "career_plan": plan,
        "milestone": milestone,
        "erasure_request": erasure,
    }
