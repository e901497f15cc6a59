"""What a strict CSP (no 'unsafe-inline') would block in a page: inline scripts, event-handler
attributes, `javascript:` URLs, style attributes and <style> elements. JSON data blocks
(`<script type="application/json">`) are not scripts and pass."""

from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script" and "src" not in attributes:
            kind = (attributes.get("type") or "").lower()
            self._in_inline_script = kind not in DATA_SCRIPT_TYPES

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"<script>{data.strip()[:40]}")


def inline_violations(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    return finder.problems
