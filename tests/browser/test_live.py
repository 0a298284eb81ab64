"""Live updates across two server processes, Redis between them (see two_servers.py).

Learner B reads a lesson on one server while learner A answers its prompt
through the other: B sees the answer appear without reloading, and A's
unread badge rises when B replies. Then the websocket drops and Redis
restarts mid-conversation: B's page says live updates are paused, and once
reconnected shows every reply posted meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CHROMIUM_ARGS, TIMEOUT_MS, VIEWPORT  # noqa: F401
from tests.browser.two_servers import Servers, cookie, two_servers

pytestmark = pytest.mark.browser
PAUSED = "Live updates paused — reconnecting…"


@pytest.fixture
def servers(tmp_path) -> Iterator[Servers]:
    with two_servers(tmp_path) as running:
        yield running


@pytest.fixture
def open_page(browser: Browser) -> Iterator:
    """Open a page as a person on one server; fail on CSP violations or script errors."""
    contexts, problems = [], []

    def open_(base: str, session_key: str, path: str) -> Page:
        context = browser.new_context(viewport=VIEWPORT, locale="en-US", base_url=base)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies([cookie(session_key, base)])
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 200
        contexts.append(context)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == []


def post_answer(page: Page, text: str, stance: str = "") -> None:
    form = page.locator("#reply-form")
    form.get_by_label("Your reply").fill(text)
    if stance:
        form.get_by_label("Your stance").select_option(stance)
    form.get_by_role("button", name="Post reply").click()
    expect(page.locator("#responses")).to_contain_text(text)


def test_an_answer_posted_through_one_server_appears_on_the_other(servers, open_page):
    lesson = servers.data["lesson"]
    ben = open_page(servers.two, servers.data["ben"], lesson)
    ana = open_page(servers.one, servers.data["ana"], lesson)
    badge = ana.locator(".notifications-link")
    expect(badge).to_have_attribute("aria-label", "Notifications")
    expect(ben.locator("#responses")).not_to_contain_text("The median tells more.")

    post_answer(ana, "The median tells more.", "disagree")

    # Ben's page, served by the other process, shows it without a reload.
    responses = ben.locator("#responses")
    expect(responses).to_contain_text("The median tells more.", timeout=10_000)
    expect(ben.locator("#stance-summary")).to_have_text("1 disagree")
    expect(ben.locator("#replies-heading")).to_have_text("1 reply")
    # Rendered for Ben: he may react to Ana's answer, and the button works.
    helpful = responses.get_by_role("button", name=re.compile(r"^Mark helpful"))
    expect(helpful).to_be_visible()
    expect(ben.locator("#live-status")).to_be_hidden()

    # Ben replies; Ana's badge rises live (she follows the thread she answered in).
    post_answer(ben, "Agreed, show the spread too.")
    expect(badge.locator(".unread-count")).to_have_text("1", timeout=10_000)
    expect(badge).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(ana.locator("#live-announce")).to_have_text(re.compile("Notifications, 1 unread"))
    expect(ana.locator("#responses")).to_contain_text("Agreed, show the spread too.")

    # Ben's reaction reaches Ana's page too, in place.
    helpful.click()
    ana_answer = ana.locator("#responses > li").first
    expect(ana_answer.locator(".reaction-static, .reaction").first).to_contain_text("1")


def test_after_a_drop_and_a_redis_restart_nothing_is_missed(servers, open_page):
    lesson = servers.data["lesson"]
    ben = open_page(servers.two, servers.data["ben"], lesson)
    ana = open_page(servers.one, servers.data["ana"], lesson)
    post_answer(ana, "First, before the drop.")
    expect(ben.locator("#responses")).to_contain_text("First, before the drop.", timeout=10_000)

    servers.redis.stop()
    # Ben's socket is closed by its server's heartbeat: the page says so.
    expect(ben.locator("#live-status")).to_have_text(PAUSED, timeout=10_000)
    expect(ben.locator("#live-status")).to_be_visible()

    # Posting still works through the other server while Redis is down.
    post_answer(ana, "Second, while Redis is down.")
    post_answer(ana, "Third, still down.")
    expect(ben.locator("#responses")).not_to_contain_text("Second, while Redis is down.")

    servers.redis.start()
    post_answer(ana, "Fourth, Redis is back.")

    # Ben's page reconnects (backoff) and catches up from the event log.
    responses = ben.locator("#responses")
    for text in ("Second, while Redis is down.", "Third, still down.", "Fourth, Redis is back."):
        expect(responses).to_contain_text(text, timeout=40_000)
    expect(ben.locator("#live-status")).to_be_hidden()
    expect(responses.locator(":scope > li")).to_have_count(4)
    expect(ben.locator("#replies-heading")).to_have_text("4 replies")
