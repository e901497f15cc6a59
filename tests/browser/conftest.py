"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches the system Chromium (`CHROMIUM_PATH`,
default /usr/bin/chromium). Without it the tests are skipped with a clear line in the summary,
except in CI (`CI=true`), where a missing browser fails the run.

Every page a test opens is watched: a console error (CSP violations are reported there), an
uncaught exception or a failed request fails the test at teardown.
"""

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls next to a
# running loop unless told that this is intended (the test's own fixtures, not the server).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """Everything that went wrong on the pages of one test."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page):
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on(
            "requestfailed",
            lambda req: (
                # A request cancelled by the next navigation (a favicon still loading when the
                # test moves on) is not a failure; refused, reset and blocked requests are.
                None
                if req.failure == "net::ERR_ABORTED"
                else self.problems.append(f"request failed: {req.url} {req.failure}")
            ),
        )
        page.on(
            "response",
            lambda res: (
                self.problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None
            ),
        )


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(viewport=PHONE)` gives a fresh page (own cookies) on the live server.

    At teardown the test fails if any page saw a console error, a CSP violation, an uncaught
    exception or a failed request."""
    contexts = []
    watch = Watch()

    def make(viewport=PHONE, locale="zh-CN", **options):
        """`options` go to the browser context: e.g. geolocation and permissions."""
        context = browser.new_context(
            viewport=viewport,
            locale=locale,
            base_url=live_server.url,
            **{"device_scale_factor": 1, **options},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert watch.problems == [], "\n".join(watch.problems)


def check_accessibility(page):
    """Run axe-core on the current page: no serious or critical violations.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so
    the policy under test stays exactly the production one."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    assert result == [], json.dumps(result, ensure_ascii=False, indent=1)


def sign_in(page, username, password, totp_secret=None):
    """Sign in through the real form, with the keyboard only; with `totp_secret`, also answer
    the two-factor step with the current code."""
    page.goto("/accounts/login/")
    page.locator("#id_login").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")  # the "forgot password" link sits between the two fields
    if page.evaluate("() => document.activeElement.id") != "id_password":
        page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if totp_secret and "/2fa/authenticate/" in page.url:
        from tests.conftest import totp_code

        page.locator("#id_code").focus()
        page.keyboard.type(totp_code(totp_secret))
        with page.expect_navigation():
            page.keyboard.press("Enter")
