"""The forms of a page, read from its HTML, and the bad values the bad-input suite sends."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from django.core.files.uploadedfile import SimpleUploadedFile

NUL_AND_LONG = "a\x00<script>x</script>" + "长" * 3000 + "\x00"
NOT_A_NUMBER = "12abc"
BAD_DATE = "2025-13-45"
BAD_TIME = "25:99"
BAD_COORDINATE = "91.5e999"
BAD_CHOICE = "no-such-choice"
COORDINATE_NAMES = ("latitude", "longitude", "lat", "lng", "near")


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list = field(default_factory=list)  # (name, kind, value)

    @property
    def key(self):
        return (self.method, self.action, tuple(sorted(n for n, _, _ in self.fields)))

    @property
    def shape(self):
        """The same form for another object (ids in the action and field names as N)."""
        return tuple(re.sub(r"\d+", "N", part) for part in (self.method, *self.key[1:2])) + tuple(
            sorted({re.sub(r"\d+", "N", n) for n, _, _ in self.fields})
        )


class _FormParser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self._form, self._select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, a.get("action") or self.page),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.fields.append((a["name"], kind, a.get("value", "")))
        elif tag == "textarea":
            self._form.fields.append((a["name"], "textarea", ""))
        elif tag == "select":
            self._form.fields.append((a["name"], "select", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms_of(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def bad_value(name: str, kind: str, value: str):
    """One malformed value for a field of this kind; None leaves the field as the page had it."""
    lowered = name.lower()
    if name == "csrfmiddlewaretoken":
        return value
    if any(word in lowered for word in COORDINATE_NAMES):
        return BAD_COORDINATE
    if kind == "hidden":
        return value
    if kind == "number":
        return NOT_A_NUMBER
    if kind == "date" or lowered.endswith(("_on", "date", "day")):
        return BAD_DATE
    if kind in ("datetime-local",):
        return BAD_DATE + "T99:99"
    if kind == "time":
        return BAD_TIME
    if kind in ("checkbox", "radio"):
        return value or "on"
    if kind == "select":
        return BAD_CHOICE
    if kind == "file":
        return SimpleUploadedFile("payload.jpg", b"<html><script>x</script></html>")
    return NUL_AND_LONG


def variants(form: Form, *, huge_bytes: int):
    """The submissions tried on every form: every field malformed at once; every field empty;
    files far above the size limit with the other fields plausible."""
    bad = {name: bad_value(name, kind, value) for name, kind, value in form.fields}
    empty = {
        name: (value if name == "csrfmiddlewaretoken" else "") for name, _, value in form.fields
    }
    yield "malformed", bad
    # A short text with a NUL byte passes length checks and reaches the database (which
    # refuses NUL) unless a form stops it.
    nul = {name: bad_value(name, kind, value) for name, kind, value in form.fields}
    yield "nul byte", {k: "a\x00b" if v == NUL_AND_LONG else v for k, v in nul.items()}
    yield "empty", empty
    files = [name for name, kind, _ in form.fields if kind == "file"]
    if files:
        plausible = {
            name: (value if kind in ("hidden", "checkbox", "radio", "select") else "x")
            for name, kind, value in form.fields
        }
        for name in files:
            plausible[name] = SimpleUploadedFile("huge.pdf", b"%PDF-1.4" + b"0" * huge_bytes)
        yield "huge file", plausible
