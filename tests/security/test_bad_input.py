"""The bad-input suite.

1. Escaping: every free-text field of every row of the world (names, addresses, notes,
   titles, minutes, reports...) is overwritten with script and HTML payloads, then the pages
   that show them (the portal as several personas, and every admin changelist and change page)
   must never contain a payload unescaped.
2. Malformed input: every form the personas reach (read from the pages' HTML, GET filters
   included) is submitted with every field malformed at once (3,000-character text with a NUL
   byte, non-numeric numbers, impossible dates, out-of-range coordinates, unknown choices,
   HTML posing as a photo), with every field empty, and with files above the size limits:
   the answer is never a 500, and a form shown again says what was wrong. One test per app.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from tests.security.forms import forms_of, variants
from tests.security.pages import PROGRAM_PAGES, crawl
from tests.security.world import build_world

LONG = '"><script>x</script><img src=x onerror=y>'
MEDIUM = "<script>x</script>"
SHORT = "<q x>"
MARKERS = ("<script>x</script>", "<img src=x onerror=y>", "<q x>")
# Not free text: identifiers the code parses (tree paths, slugs, logins, hashes).
NOT_FREE_TEXT = {"path", "slug", "username", "password", "session_key", "codename", "model"}
POISONED_APPS = ("yangpu_portal", "branches", "stations", "services")


def payload_for(field, pk) -> str | None:
    limit = field.max_length or 10_000
    for text in (LONG, MEDIUM, SHORT):
        value = f"{text}{pk}"
        if len(value) <= limit:
            return value
    return None


def poison_every_text_field() -> int:
    """Overwrite each free-text field of each row with a payload; the count of values set."""
    count = 0
    for label in POISONED_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField))
                and not f.choices
                and f.name not in NOT_FREE_TEXT
            ]
            for pk in model._default_manager.values_list("pk", flat=True):
                for field in fields:
                    value = payload_for(field, pk)
                    if value is None:
                        continue
                    try:
                        with transaction.atomic():
                            model._default_manager.filter(pk=pk).update(**{field.name: value})
                        count += 1
                    except IntegrityError:
                        pass  # a database rule refuses the payload: nothing to show
    return count


def unescaped(html: str) -> list[str]:
    return [marker for marker in MARKERS if marker in html]


@pytest.mark.django_db
def test_payloads_in_every_text_field_come_back_escaped_everywhere(request, client):
    world = build_world(request)
    assert poison_every_text_field() > 100
    problems, shown = [], []

    def check(url, html):
        problems.extend(f"{url}: {marker}" for marker in unescaped(html))
        if "&lt;script&gt;x&lt;/script&gt;" in html or "&lt;q x&gt;" in html:
            shown.append(url)

    client.raise_request_exception = False
    for persona, limit in [
        ("anonymous", 15),
        ("member", 20),
        ("station_staff", 20),
        ("street_organizer", 40),
        ("district_admin", 40),
    ]:
        if persona != "anonymous":
            client.force_login(world.users[persona])
        crawl(client, limit=limit, on_page=check, follow=lambda path: "/admin/" not in path)
    # The member programs' pages (issues 6, 8, 9a), which a crawl from "/" reaches only in part.
    for persona in ("member", "street_organizer"):
        client.force_login(world.users[persona])
        crawl(client, start=PROGRAM_PAGES, limit=len(PROGRAM_PAGES) + 5, on_page=check)
    # The admin: every changelist, and the change page of a row of each model.
    client.force_login(world.users["district_admin"])
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in POISONED_APPS:
            continue
        info = (meta.app_label, meta.model_name)
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
        for url in pages:
            response = client.get(url)
            if response.status_code == 200:
                check(url, response.content.decode())
    client.force_login(world.users["system_admin"])
    users = client.get(reverse("admin:yangpu_portal_user_changelist")).content.decode()
    check("user changelist", users)
    assert not problems, "\n".join(problems)
    # The payloads were on the pages, escaped (not merely absent).
    assert len(shown) >= 40, shown


# --- Malformed input: every form, one test per app ---------------------------------------------


APPS = {
    "branches": {
        "personas": ["street_organizer", "district_admin"],
        "start": ["/branches/", "/branches/members/", "/branches/visits/", "/branches/transfers/"],
        "prefix": ("/branches/",),
        "forms": 8,
    },
    "stations": {
        "personas": ["station_staff", "street_organizer"],
        "start": ["/stations/", "/stations/console/", "/stations/outlets/"],
        "prefix": ("/stations/",),
        "forms": 6,
    },
    "services": {
        "personas": ["member", "enterprise_organizer", "street_organizer"],
        "start": ["/activities/", "/reports/new/", "/reports/triage/", "/compliance/", "/"],
        "prefix": ("/activities/", "/reports/", "/compliance/", "/notifications/", "/a/"),
        "forms": 20,
    },
    # Issues 6, 8 and 9a: the member programs, the dashboard, "my data" and erasure requests.
    "programs": {
        "personas": ["member", "street_organizer", "district_admin"],
        "start": PROGRAM_PAGES,
        "prefix": (
            "/passport/",
            "/courses/",
            "/routes/",
            "/aid/",
            "/honours/",
            "/career/",
            "/me/",
            "/privacy/",
            "/dashboard/",
        ),
        "forms": 20,
    },
    "portal": {
        "personas": ["member", "district_admin"],
        "start": ["/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/email/"],
        "prefix": ("/accounts/",),
        "forms": 2,
    },
}
# Forms that end the crawl's own session or switch its language are not the subject here.
SKIP_ACTIONS = ("/logout/", "/i18n/", "/text-size/", "/delete/")
HUGE = 10 * 1024 * 1024 + 1
# How the portal's and the admin's pages show what was wrong.
ERROR_MARKERS = ("form-errors", "errorlist", "message-error", "errornote")


def submit_everything(client, world, personas, start, prefix, *, huge=HUGE):
    """Collect the forms the personas reach from `start`, then submit each variant: (the
    submissions answered with a server error, the number of forms tried)."""
    failures, tried, shapes = [], set(), set()
    for persona in personas:
        client.force_login(world.users[persona])
        found = {}

        def collect(url, html, found=found):
            for form in forms_of(url, html):
                found.setdefault(form.key, form)

        crawl(
            client,
            start=start,
            limit=max(25, len(start)),
            on_page=collect,
            follow=lambda p: p.startswith(prefix),
        )
        for form in found.values():
            if any(part in form.action for part in SKIP_ACTIONS):
                continue
            if form.shape in shapes:
                continue  # the same form for another object or persona: its code ran already
            shapes.add(form.shape)
            tried.add((form.method, form.action))
            for label, data in variants(form, huge_bytes=huge):
                if form.method == "post":
                    response = client.post(form.action, data)
                else:
                    plain = {k: v for k, v in data.items() if isinstance(v, str)}
                    response = client.get(form.action, plain)
                where = f"{persona} {form.method.upper()} {form.action} ({label}, from {form.page})"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                elif form.method == "post" and response.status_code == 200:
                    # Shown again: then with the reason (a form error or an error message).
                    html = response.content.decode(errors="replace")
                    if not any(marker in html for marker in ERROR_MARKERS):
                        failures.append(f"{where}: 200 without an error shown")
    return failures, len(tried)


@pytest.mark.django_db
@pytest.mark.parametrize("app", list(APPS))
def test_malformed_input_never_gives_a_server_error(app, request, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(request)
    client.raise_request_exception = False
    spec = APPS[app]
    failures, tried = submit_everything(
        client, world, spec["personas"], spec["start"], spec["prefix"]
    )
    assert tried >= spec["forms"], f"only {tried} forms reached"
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_malformed_input_in_the_admin_never_gives_a_server_error(
    request, client, settings, tmp_path
):
    """The add page of every model (and the import pages) as the district admin, the account
    pages as the system admin."""
    settings.MEDIA_ROOT = tmp_path
    # The import limit is a setting: 1 MB here, so the "huge file" sent is 1 MB too.
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    world = build_world(request)
    client.raise_request_exception = False
    starts = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label in POISONED_APPS:
            starts.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    starts += [
        reverse("admin:branches_member_import"),
        reverse("admin:branches_organization_import"),
        reverse("admin:stations_station_import"),
        reverse("admin:stations_outlet_import"),
    ]
    failures, tried = submit_everything(
        client, world, ["district_admin"], starts, ("/admin/never-follow/",), huge=1024 * 1024 + 1
    )
    user_failures, user_forms = submit_everything(
        client,
        world,
        ["system_admin"],
        [reverse("admin:yangpu_portal_user_add")],
        ("/admin/never-follow/",),
    )
    assert tried >= 20 and user_forms >= 1, (tried, user_forms)
    assert not failures + user_failures, "\n".join(failures + user_failures)
