"""The crawl: as each main persona, follow the links from the home page (breadth first, at most
PAGES_PER_PERSONA pages, two query-string variants per path) and check that no page loads a
script, style, image, font, frame or media from another host (only the configured map tile
host may serve images; the tests configure none), and that no page carries what the strict
CSP would block (inline script or style, event-handler attributes)."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings

from tests.security.inline import inline_violations
from tests.security.world import build_world

PAGES_PER_PERSONA = 30
MAIN_PERSONAS = [
    "anonymous",
    "member",
    "station_staff",
    "street_organizer",
    "enterprise_organizer",
    "district_admin",
    "auditor",
]
# Never followed: signing out or switching language would change the crawl's own session.
SKIP = re.compile(r"^/(accounts/logout|i18n/|text-size/|static/|media/)")
# Elements and attributes that make the browser fetch something.
LOADS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LINK_RELS_THAT_DONT_LOAD = {"canonical", "alternate", "next", "prev", "help", "license"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "link" and set((attributes.get("rel") or "").split()) <= (
            LINK_RELS_THAT_DONT_LOAD
        ):
            return
        for name in LOADS.get(tag, ()):
            value = attributes.get(name)
            if value:
                for candidate in value.split(","):
                    self.loads.append((tag, candidate.strip().split(" ")[0]))


def allowed_hosts() -> set[str]:
    """The site itself, and the tile host when a tile source is configured."""
    tiles = {h.split("//")[-1] for h in settings.SECURE_CSP.get("img-src", []) if "//" in h}
    return {"", "testserver", *tiles}


def external(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return False
    return parts.netloc not in allowed_hosts() or parts.scheme not in ("", "http", "https")


def crawl(client):
    queue, seen, per_path = deque(["/"]), {"/"}, {}
    problems, visited = [], 0
    while queue and visited < PAGES_PER_PERSONA:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        page = _Page()
        page.feed(html)
        problems += [f"{url}: <{tag}> loads {src}" for tag, src in page.loads if external(src)]
        problems += [f"{url}: {found}" for found in inline_violations(html)]
        for href in page.links:
            target = urldefrag(urljoin(url, href))[0]
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
                continue  # navigation links to maps apps are links, not loads
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path in seen or SKIP.match(parts.path):
                continue
            if per_path.setdefault(parts.path, 0) >= 2:
                continue
            per_path[parts.path] += 1
            seen.add(path)
            queue.append(path)
    return visited, problems


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


def test_the_external_check_knows_a_load_from_a_link():
    page = _Page()
    page.feed(
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
        'href="//fonts.example/f.css"><img srcset="/a.png 1x, https://img.example/b.png 2x">'
        '<a href="https://uri.amap.com/marker">nav</a><link rel="canonical" href="https://x.y/">'
    )
    assert [src for _, src in page.loads if external(src)] == [
        "https://cdn.example/x.js",
        "//fonts.example/f.css",
        "https://img.example/b.png",
    ]
