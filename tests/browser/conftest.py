"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe and CSP checks.

The browser is never downloaded: it is the system Chromium (``AGORA_CHROMIUM``,
default ``/usr/bin/chromium``). The app is served in-process by pytest-django's
``live_server`` (static files through Django's StaticFilesHandler), so the
locmem mail outbox and the test database are shared with the tests.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    sync_playwright,
)

from agora.accounts.models import User

T = TypeVar("T")

CHROMIUM = os.environ.get("AGORA_CHROMIUM", "/usr/bin/chromium")
# Headless, as root, and without Chromium's calls home (they fail offline).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
# `make screenshots` sets AGORA_SCREENSHOT_DIR=docs/screenshots to refresh the
# README's pictures; ordinary runs write under var/ so the tree stays clean.
SCREENSHOTS = Path(
    os.environ.get("AGORA_SCREENSHOT_DIR")
    or Path(__file__).resolve().parents[2] / "var" / "screenshots"
)
# axe impacts that fail a test; "moderate" and "minor" are reported by axe too.
BLOCKING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Launch the system Chromium once for the browser tests.

    Package-scoped so that Playwright's event loop, which runs in the test
    thread while Playwright is started, is gone before other packages' tests
    (their ``async_to_sync`` calls refuse a running loop). While it runs,
    Django is told to allow ORM calls from this thread (test bodies, database
    setup and teardown).
    """
    executable = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if executable is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM!r}. Install it with `apt-get install chromium` "
            "or point AGORA_CHROMIUM at a Chromium binary (never `playwright install`).",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, transactional_db) -> str:
    """Return the live server's address; links in emails point at it."""
    settings.AGORA_BASE_URL = live_server.url
    return live_server.url


@dataclass
class Tab:
    """One browser context and page, with what its console said about CSP and errors."""

    context: BrowserContext
    page: Page
    base_url: str
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def goto(self, path: str, *, status: int = 200) -> Page:
        """Open a path on the live server and check its HTTP status."""
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        return self.page


@pytest.fixture
def open_tab(browser: Browser, site: str) -> Iterator[Callable[..., Tab]]:
    """Open fresh browser contexts (separate cookies), each watched for CSP violations.

    ``open_tab(user=..., color_scheme="dark")`` starts logged in as ``user``
    by handing the browser a real session cookie.
    """
    tabs: list[Tab] = []

    def open_(
        *, user: User | None = None, color_scheme: str = "light", viewport: dict | None = None
    ) -> Tab:
        context = browser.new_context(
            viewport=viewport or VIEWPORT,
            color_scheme=color_scheme,
            locale="en-US",
            base_url=site,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        tab = Tab(context=context, page=page, base_url=site)

        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text or "Content-Security-Policy" in (
                message.text
            ):
                tab.csp_violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.page_errors.append(f"{page.url}: {error}"))
        if user is not None:
            context.add_cookies([session_cookie(user, site)])
        tabs.append(tab)
        return tab

    yield open_
    problems = [v for tab in tabs for v in tab.csp_violations + tab.page_errors]
    for tab in tabs:
        tab.context.close()
    assert problems == [], "Browser console reported CSP violations or script errors"


def session_cookie(user: User, base_url: str) -> dict:
    """Build a logged-in session for ``user``, as django.test.Client.force_login does."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = django_settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # On SQLite the live server shares one in-memory database with the tests;
    # while its thread is still writing (listeners after a request), a write
    # from here fails at once with "table is locked" (no busy timeout there).
    for attempt in range(50):
        try:
            session.save()
            break
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 49:
                raise
            time.sleep(0.1)
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": session.session_key,
        "url": base_url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def off_loop(function: Callable[..., T], /, *args, **kwargs) -> T:
    """Run `function` in a worker thread, away from Playwright's event loop.

    Actions deliver their events right after commit (immediate tasks backend),
    and listeners that push to websockets use ``async_to_sync``, which refuses
    to run in a thread with a running event loop, such as the test thread
    once Playwright has started.
    """

    def call() -> T:
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def disclosure(page: Page, name: str) -> Locator:
    """Return the ``<summary>`` that screen readers announce as `name`.

    Playwright's role engine gives ``<summary>`` no role, but Chromium exposes
    it to assistive technology as a disclosure button ("DisclosureTriangle").
    Ask Chromium's own accessibility tree that exactly one such control has
    this name, then return it.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        query = {"nodeId": root, "accessibleName": name, "role": "DisclosureTriangle"}
        nodes = cdp.send("Accessibility.queryAXTree", query)["nodes"]
    finally:
        cdp.detach()
    found = [node for node in nodes if not node.get("ignored")]
    assert len(found) == 1, f"{len(found)} disclosure buttons named {name!r}, not 1"
    by_label = page.locator("summary").and_(page.locator(f"[aria-label={name!r}]"))
    return by_label.or_(page.locator("summary:not([aria-label])").filter(has_text=name))


_axe = Axe()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').strip()}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


# The rules a color scheme can change; the other rules need one run per page.
COLOR_RULES = ("color-contrast", "link-in-text-block")


def axe_violations(page: Page, *, rules: tuple[str, ...] = ()) -> list[dict]:
    """Run axe (every rule, or only `rules`); return its serious and critical violations."""
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    results = _axe.run(page, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def assert_accessible(page: Page, label: str = "") -> None:
    """Run axe on the page; fail on any serious or critical violation, listing them."""
    blocking = axe_violations(page)
    if blocking:
        pytest.fail(
            f"axe found {len(blocking)} serious/critical violation(s) on "
            f"{label or page.url}:\n{format_violations(blocking)}",
            pytrace=False,
        )


def save_screenshot(page: Page, name: str) -> Path:
    """Save a viewport-sized PNG of a main page (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # the top of the page, whatever was clicked last
    page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
    return path
