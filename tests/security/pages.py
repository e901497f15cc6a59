"""Following links like a visitor: the crawl shared by the crawl and bad-input suites."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.conf import settings

from tests.security.inline import inline_violations

PAGES_PER_PERSONA = 30
# The first pages of issues 6, 8 and 9a (member programs, dashboard, "my data", erasure).
PROGRAM_PAGES = [
    "/passport/",
    "/passport/volunteer/review/",
    "/passport/benefits/",
    "/passport/benefits/redeem/",
    "/courses/",
    "/routes/",
    "/aid/",
    "/aid/new/",
    "/aid/review/",
    "/honours/nominations/",
    "/honours/nominations/new/",
    "/career/",
    "/career/new/",
    "/me/data/",
    "/privacy/requests/",
    "/dashboard/",
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


class Page(HTMLParser):
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


def tile_hosts() -> set[str]:
    """The configured map tile source's hosts (none in the tests' settings)."""
    return {h.split("//")[-1] for h in settings.SECURE_CSP.get("img-src", []) if "//" in h}


def external(url: str, tag: str = "script") -> bool:
    """Whether loading `url` from a `tag` element would reach another host: only images may
    come from the tile hosts."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return False
    allowed = {"", "testserver", *(tile_hosts() if tag == "img" else ())}
    return parts.netloc not in allowed or parts.scheme not in ("", "http", "https")


def crawl(client, *, start=("/",), limit=PAGES_PER_PERSONA, on_page=None, follow=None):
    """Breadth first from `start`; (pages visited, problems found). `on_page(url, html)` is
    called for every HTML page; `follow(path)` (default: all) picks the links to follow."""
    queue, seen, per_path = deque(start), set(start), {}
    problems, visited = [], 0
    while queue and visited < limit:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if on_page is not None:
            on_page(url, html)
        page = Page()
        page.feed(html)
        problems += [f"{url}: <{tag}> loads {src}" for tag, src in page.loads if external(src, tag)]
        problems += [f"{url}: {found}" for found in inline_violations(html)]
        for href in page.links:
            target = urldefrag(urljoin(url, href))[0]
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
                continue  # navigation links to maps apps are links, not loads
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path in seen or SKIP.match(parts.path):
                continue
            if follow is not None and not follow(parts.path):
                continue
            if per_path.setdefault(parts.path, 0) >= 2:
                continue
            per_path[parts.path] += 1
            seen.add(path)
            queue.append(path)
    return visited, problems
