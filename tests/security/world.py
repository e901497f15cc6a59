"""One small world for the security suites: every persona, and one object of each kind a URL
needs (in street A, the personas' home street, plus a station of street B), built through the
actions like the rest of the tests."""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from branches.actions import (
    member_advance_status,
    organization_create,
    transfer_request,
    visit_create,
)
from branches.models import OrganizationKind, PoliticalStatus
from services.actions import attachment_add, leave_request, minutes_save
from services.models import Activity, ReportCategory
from services.report_actions import report_submit
from stations.actions import outlet_survey, station_closure_add, visitor_count_add
from tests.conftest import make_member
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
    report = report_submit(
        by=users["member"],
        category=ReportCategory.objects.order_by("pk").first(),
        description="井盖松动",
        street=street_a,
        latitude=31.2995,
        longitude=121.5145,
    )
    objects = {
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
        "report": report,
    }
    assert Activity.objects.count() == 2
    return World(users=users, objects=objects)
