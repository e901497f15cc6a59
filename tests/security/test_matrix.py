"""The permission matrix: every URL of the URL conf × every persona → the expected status.

One test per persona: the world is built once, the persona signs in once, and every URL is
requested with the same client (about 350 requests, no fixture per URL). Pages are fetched
with GET; a POST-only URL must answer GET with 405 (after its access checks) and a POST
without a CSRF token with 403 (tried as anonymous and as the district admin: Django's CSRF
check runs before any view, whoever asks).

A URL with no row fails the test by name, with the row observed for this persona, so that
rows for URLs added on other branches can be written at merge: run with
MATRIX_DUMP=/tmp/matrix to write each persona's observed row there as JSON, then
`python -m tests.security.matrix_rows /tmp/matrix` prints the rows to paste.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.matrix import MATRIX, PARAMS, PERSONAS
from tests.security.urlconf import fill, walk
from tests.security.world import build_world

LOGIN_PATHS = None
CSRF_PERSONAS = ("anonymous", "district_admin")


def classify(response) -> str:
    """ "L" for a redirect to a sign-in page, "302" for any other redirect, else the status."""
    global LOGIN_PATHS
    if LOGIN_PATHS is None:
        LOGIN_PATHS = {reverse("account_login"), reverse("admin:login")}
    if response.status_code in (301, 302):
        if urlsplit(response["Location"]).path in LOGIN_PATHS:
            return "L"
        return "302"
    return str(response.status_code)


def params_for(name, route, world):
    spec = PARAMS.get(name, {})
    values = {}
    for key, source in spec.items():
        if isinstance(source, str) and source.startswith("="):
            values[key] = source[1:]
        else:
            obj = world
            for part in source.split("."):
                obj = getattr(obj, part)
            values[key] = obj.pk if hasattr(obj, "pk") and "." not in source else obj
    return values


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_matrix_says(persona, request, client):
    world = build_world(request)
    column = PERSONAS.index(persona)
    csrf_client = Client(enforce_csrf_checks=True)
    # A crash is one more wrong answer ("500"), listed with the others.
    client.raise_request_exception = csrf_client.raise_request_exception = False
    if persona != "anonymous":
        client.force_login(world.users[persona])
        csrf_client.force_login(world.users[persona])

    missing, wrong, observed = [], [], {}
    for route, name in walk():
        path = fill(route, params_for(name, route, world))
        got = classify(client.get(path))
        row = MATRIX.get(name)
        post_only = got == "405" or (row is not None and row[0] == "POST")
        # The CSRF check runs before any view, whoever asks: two personas are enough.
        try_csrf = post_only and persona in CSRF_PERSONAS
        got_post = classify(csrf_client.post(path)) if try_csrf else None
        observed[name] = ("POST" if post_only else "GET", got, got_post)
        if row is None:
            missing.append(f"{name!r} ({path}): {persona} got {got}")
            continue
        expected = row[1].split()[column]
        if got != expected:
            wrong.append(f"{name} ({path}): {persona} got {got} for GET, expected {expected}")
        if try_csrf and got_post != "403":
            wrong.append(f"{name} ({path}): {persona} got {got_post} for a POST without CSRF")
    if os.environ.get("MATRIX_DUMP"):
        out = Path(os.environ["MATRIX_DUMP"])
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{persona}.json").write_text(json.dumps(observed, ensure_ascii=False, indent=0))
    problems = []
    if missing:
        problems.append(
            "URLs with no row in tests/security/matrix.py (add one per URL):\n  "
            + "\n  ".join(missing)
        )
    if wrong:
        problems.append("URLs answering otherwise than the matrix says:\n  " + "\n  ".join(wrong))
    assert not problems, "\n".join(problems)


def test_post_only_rows_never_answer_get_with_a_page():
    """A POST-only URL answers GET with 405 once past its access checks (which may redirect
    first, e.g. the admin's for non-staff), never with a page."""
    for name, (method, statuses) in MATRIX.items():
        answers = statuses.split()
        assert len(answers) == len(PERSONAS), name
        if method == "POST":
            assert "405" in answers and set(answers) <= {"L", "302", "403", "404", "405"}, name


@pytest.mark.django_db
def test_the_page_cache_gives_every_persona_what_the_matrix_says(request, settings):
    """The views served from the page cache (yangpu_portal/pagecache.py), with the cache on and
    shared by every persona: two rounds over all of them, the first filling the cache, the
    second served from it. Every answer is still the matrix's for that persona: no copy made
    for one person reaches another, and no refusal turns into a page."""
    from django.urls import resolve

    settings.PAGE_CACHE_SECONDS = 60
    world = build_world(request)
    routes = []
    for route, name in walk():
        path = fill(route, params_for(name, route, world))
        if getattr(resolve(urlsplit(path).path).func, "page_cached", False):
            routes.append((name, path))
    assert len(routes) >= 12, routes  # home ... passport: the views decorated with cached_page
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client()
        clients[persona].raise_request_exception = False
        if persona != "anonymous":
            clients[persona].force_login(world.users[persona])
    wrong, hits, pages = [], 0, 0
    for round_ in (1, 2):
        for column, persona in enumerate(PERSONAS):
            for name, path in routes:
                response = clients[persona].get(path)
                got = classify(response)
                expected = MATRIX[name][1].split()[column]
                if got != expected:
                    wrong.append(f"round {round_}: {name} ({path}): {persona} got {got}, "
                                 f"expected {expected}")  # fmt: skip
                if round_ == 2 and response.status_code == 200:
                    pages += 1
                    hits += response.headers.get("X-Page-Cache") == "hit"
    assert not wrong, "\n".join(wrong)
    assert pages > len(PERSONAS), pages
    assert hits == pages, "every page of the second round came from the cache"
