"""The crawl: as each main persona, follow the links from the home page (breadth first, at most
PAGES_PER_PERSONA pages, two query-string variants per path) and check that no page loads a
script, style, image, font, frame or media from another host (only the configured map tile
host may serve images; the tests configure none), and that no page carries what the strict
CSP would block (inline script or style, event-handler attributes)."""

import pytest

from tests.security.pages import PROGRAM_PAGES, Page, crawl, external
from tests.security.world import build_world

MAIN_PERSONAS = [
    "anonymous",
    "member",
    "station_staff",
    "street_organizer",
    "enterprise_organizer",
    "district_admin",
    "auditor",
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", MAIN_PERSONAS)
def test_no_page_loads_anything_from_another_host(persona, request, client):
    world = build_world(request)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    client.raise_request_exception = False
    visited, problems = crawl(client)
    assert visited >= 8, f"{persona} reached only {visited} pages from the home page"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_member_programs_pages_load_nothing_from_another_host(request, client):
    """The pages of issues 6, 8 and 9a (passport, courses, routes and their maps, benefits,
    aid, honours, career plans, the dashboard, my data), which the crawl from the home page
    reaches only in part, as the personas who use them."""
    world = build_world(request)
    client.raise_request_exception = False
    pages = [
        *PROGRAM_PAGES,
        f"/routes/{world.route.pk}/",
        f"/courses/lessons/{world.lesson.pk}/",
        f"/aid/{world.aid_application.pk}/",
        f"/career/{world.career_plan.pk}/",
        f"/passport/card/{world.card_token}/",
        f"/routes/stops/{world.route_stop.pk}/poster/",
    ]
    problems, visited = [], 0
    for persona in ("member", "street_organizer", "district_admin"):
        client.force_login(world.users[persona])
        seen, found = crawl(client, start=pages, limit=len(pages))
        visited += seen
        problems += [f"{persona}: {p}" for p in found]
    assert visited == 3 * len(pages)
    assert not problems, "\n".join(problems)


def test_the_external_check_knows_a_load_from_a_link():
    page = Page()
    page.feed(
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
        'href="//fonts.example/f.css"><img srcset="/a.png 1x, https://img.example/b.png 2x">'
        '<a href="https://uri.amap.com/marker">nav</a><link rel="canonical" href="https://x.y/">'
    )
    assert [src for tag, src in page.loads if external(src, tag)] == [
        "https://cdn.example/x.js",
        "//fonts.example/f.css",
        "https://img.example/b.png",
    ]


def test_only_images_may_come_from_the_tile_host(settings):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": ["'self'", "https://tile.osm.example"]}
    assert not external("https://tile.osm.example/1/2/3.png", "img")
    assert external("https://tile.osm.example/x.js", "script")
    assert external("https://elsewhere.example/1/2/3.png", "img")


def test_no_stylesheet_of_ours_loads_from_another_host():
    """The crawl sees the pages; their stylesheets (ours and vendored) could still pull fonts
    or images from elsewhere through url() or @import."""
    import re
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "static"
    remote = re.compile(r"(?:url\(|@import)\s*['\"]?\s*(?:https?:)?//", re.IGNORECASE)
    sheets = list(static.rglob("*.css"))
    assert len(sheets) >= 5
    offenders = [str(p.relative_to(static)) for p in sheets if remote.search(p.read_text())]
    assert offenders == []
