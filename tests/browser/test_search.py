"""Search in a real browser: the header box, live results, the space filter, a result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agora.discussions.actions import post_reply, start_thread
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.browser


def arrange() -> dict:
    """Two spaces with pie charts in both; events are delivered (and indexed) on commit."""
    ana = UserFactory(name="Ana Analyst")
    ben = UserFactory(name="Ben Baker")
    charts = make_space(creator=ana, name="Chart Club", members=(ben,))
    kitchen = make_space(creator=ben, name="Bake Off", members=(ana,))
    thread = start_thread(author=ana, space=charts, title="Pie or bars?", body="Which, and why?")
    post_reply(author=ben, thread=thread, body="Bars: lengths compare better than pie slices.")
    start_thread(author=ben, space=kitchen, title="Apple pie crust", body="Cold butter.")
    return {"ana": ana, "thread": thread}


def test_search_from_the_header_filter_by_space_and_open_a_result(open_tab):
    data = off_loop(arrange)
    tab = open_tab(user=data["ana"])
    page = tab.goto("/")

    box = page.get_by_role("searchbox", name="Search Agora")
    box.fill("pie")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=pie$"))
    results = page.locator("#search-results")
    expect(results).to_contain_text("3 results")
    expect(results.locator("mark").first).to_have_text(re.compile("pie", re.IGNORECASE))
    expect(results.get_by_role("link", name="Apple pie crust")).to_be_visible()
    assert_accessible(page, "search results")

    # As one types, the results follow (htmx), and the address keeps the words.
    page.get_by_label("Search for").fill("pie crust")
    expect(results).to_contain_text("1 result")
    expect(results.get_by_role("link", name="Pie or bars?", exact=True)).to_have_count(0)
    page.get_by_label("Search for").fill("pie")
    expect(results).to_contain_text("3 results")

    page.get_by_label("Space").select_option(label="Chart Club")
    expect(results).to_contain_text("2 results")
    expect(results.get_by_role("link", name="Apple pie crust")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"space=chart-club"))
    save_screenshot(page, "search")

    results.get_by_role("link", name="Pie or bars?", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/threads/{data['thread'].pk}/$"))
    expect(page.get_by_role("heading", name="Pie or bars?")).to_be_visible()
