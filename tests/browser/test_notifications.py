"""Notifications in a real browser: the header badge, the list, mention autocomplete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agora.discussions.actions import start_thread
from agora.discussions.models import Reply
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.browser


def arrange() -> dict:
    ana = UserFactory(name="Ana Author")
    ben = UserFactory(name="Ben Replier")
    UserFactory(name="Anna Elsewhere")  # matches "@an" too, but is not in the space
    space = make_space(creator=ana, name="Chart Club", members=(ben,))
    thread = start_thread(author=ana, space=space, title="Pie or bars?", body="Which, and why?")
    return {"ana": ana, "ben": ben, "thread": thread}


def test_a_reply_reaches_the_author_through_the_header_and_the_list(open_tab):
    data = off_loop(arrange)
    ben = open_tab(user=data["ben"])
    page = ben.goto(data["thread"].get_absolute_url())
    page.locator("#reply-form").get_by_label("Your reply").fill(
        "Bars: lengths compare better than angles."
    )
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#responses")).to_contain_text("lengths compare better")
    reply = off_loop(lambda: Reply.objects.get())

    ana = open_tab(user=data["ana"])
    page = ana.goto("/")
    badge = page.get_by_role("link", name="Notifications, 1 unread")
    expect(badge).to_be_visible()
    assert_accessible(page, "home page with unread notifications")
    badge.click()

    expect(page).to_have_url(re.compile(r"/notifications/$"))
    item = page.get_by_role("link", name="Ben Replier replied to your thread “Pie or bars?”")
    expect(item).to_be_visible()
    expect(page.locator(".notification.is-unread")).to_have_count(1)
    assert_accessible(page, "notification list")
    save_screenshot(page, "notifications")
    item.click()

    expect(page).to_have_url(re.compile(rf"/threads/{data['thread'].pk}/#reply-{reply.pk}$"))
    expect(page.locator(f"#reply-{reply.pk}")).to_contain_text("lengths compare better")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def test_mention_autocomplete_with_the_keyboard(open_tab):
    data = off_loop(arrange)
    tab = open_tab(user=data["ben"])
    page = tab.goto(data["thread"].get_absolute_url())

    box = page.locator("#reply-form").get_by_label("Your reply")
    box.click()
    box.press_sequentially("Agreed, @an")
    combobox = page.get_by_role("combobox", name="Your reply")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = page.get_by_role("listbox", name="People to mention").get_by_role("option")
    expect(options).to_have_count(2)
    # Members of the space first.
    expect(options.nth(0)).to_have_text("Ana Author @ana-author")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    assert_accessible(page, "thread page with the mention list open")

    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("Agreed, @ana-author ")
    expect(combobox).to_have_attribute("aria-expanded", "false")

    box.press_sequentially("bars it is.")
    page.get_by_role("button", name="Post reply").click()
    mention = page.locator("#responses").get_by_role("link", name="@ana-author")
    expect(mention).to_have_attribute("href", f"/people/{data['ana'].pk}/")

    box = page.locator("#reply-form").get_by_label("Your reply")
    box.click()
    box.press_sequentially("@be")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    box.press("Escape")
    expect(page.get_by_role("combobox", name="Your reply")).to_have_attribute(
        "aria-expanded", "false"
    )
    expect(box).to_have_value("@be")
