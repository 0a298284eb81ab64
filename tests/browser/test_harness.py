"""The browser checks themselves can fail: axe, the CSP watch and the script-error watch."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, format_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>Broken</title></head><body>
<main><h1>Broken on purpose</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button>
<p style="color: #bbbbbb; background: #ffffff">Pale grey on white</p>
</main></body></html>"""


def test_axe_reports_serious_and_critical_violations(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(BROKEN_PAGE)  # about:blank: no CSP, so the inline style applies
        violations = axe_violations(page)
    finally:
        context.close()
    assert sorted((v["id"], v["impact"]) for v in violations) == [
        ("button-name", "critical"),
        ("color-contrast", "serious"),
        ("image-alt", "critical"),
    ]
    assert "[critical] image-alt: Images must have alternative text" in format_violations(
        violations
    )


def test_console_watch_records_csp_violations_and_script_errors(open_tab):
    user = UserFactory(name="Mia Member")
    tab = open_tab(user=user)
    page = tab.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML("
            "'beforeend', '<p style=\"color: red\">inline style</p>')"
        )
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('boom from the page') }, 0)")
    assert len(tab.csp_violations) == 1
    assert "Applying inline style violates" in tab.csp_violations[0]
    assert tab.page_errors == [f"{tab.base_url}/: boom from the page"]
    # Both were provoked on purpose: clear them so the fixture's own check passes.
    tab.csp_violations.clear()
    tab.page_errors.clear()
