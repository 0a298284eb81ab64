"""A tour of every main page in light and dark: axe, CSP, and the README screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agora.accounts.models import AccessToken
from tests.browser.conftest import (
    COLOR_RULES,
    axe_violations,
    disclosure,
    format_violations,
    off_loop,
    save_screenshot,
)
from tests.browser.org import Organization, build_organization

pytestmark = pytest.mark.browser


@pytest.fixture
def org(site) -> Organization:
    return off_loop(build_organization)


def tour(org: Organization) -> list[tuple[str, str, int, str]]:
    """Return (name, path, HTTP status, main heading) for each page Amara visits."""
    return [
        ("home", "/", 200, "Welcome back, Amara"),
        ("people", "/people/", 200, "People"),
        ("profile", org.priya.get_absolute_url(), 200, "Priya Raman"),
        ("profile-edit", "/settings/profile/", 200, "Edit your profile"),
        ("spaces", "/spaces/", 200, "Spaces"),
        ("space-create", "/spaces/new/", 200, "Start a space"),
        ("space", org.guild.get_absolute_url(), 200, "Applied Machine Learning Guild"),
        ("members", f"/spaces/{org.guild.slug}/members/", 200, "Members"),
        ("members-manage", f"/spaces/{org.onboarding.slug}/members/", 200, "Members"),
        (
            "invitation",
            org.invitation.get_absolute_url(),
            200,
            "Invitation to Forecasting with Python — spring cohort",
        ),
        ("private-space", org.churn.get_absolute_url(), 200, "Churn model review"),
        ("forbidden", f"/spaces/{org.churn.slug}/members/", 403, ""),
        ("tokens", "/settings/tokens/", 200, "API tokens"),
        ("password-change", "/accounts/password/change/", 200, "Change Password"),
        ("emails", "/accounts/email/", 200, "Email Addresses"),
        ("not-found", f"/spaces/{org.mentoring.slug}/", 404, "There is nothing here"),
    ]


# Pages whose light-scheme screenshot illustrates the README.
SCREENSHOTS = {"home", "space", "people", "profile", "members", "spaces"}


@pytest.mark.parametrize(
    ("color_scheme", "rules"),
    [("light", ()), ("dark", COLOR_RULES)],
    ids=["light-all-rules", "dark-color-rules"],
)
def test_every_page_passes_axe(open_tab, org, color_scheme, rules):
    """Every rule in the light scheme; in the dark one, the rules colors can break."""
    tab = open_tab(user=org.amara, color_scheme=color_scheme)
    page = tab.page
    problems = {}
    titles = {}
    for name, path, status, heading in tour(org):
        tab.goto(path, status=status)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        violations = axe_violations(page, rules=rules)
        if violations:
            problems[name] = format_violations(violations)
        if color_scheme == "light" and name in SCREENSHOTS:
            save_screenshot(page, name)
        titles[name] = page.title()

    anonymous = open_tab(color_scheme=color_scheme)
    for name, path, heading in (
        ("login", "/accounts/login/", "Sign In"),
        ("signup", "/accounts/signup/", "Sign Up"),
        ("password-reset", "/accounts/password/reset/", "Password Reset"),
    ):
        anonymous.goto(path)
        expect(anonymous.page.get_by_role("heading", level=1)).to_have_text(heading)
        violations = axe_violations(anonymous.page, rules=rules)
        if violations:
            problems[name] = format_violations(violations)
        titles[name] = anonymous.page.title()

    assert titles == {
        "home": "Home · Agora",
        "people": "People · Agora",
        "profile": "Priya Raman · Agora",
        "profile-edit": "Edit profile · Agora",
        "spaces": "Spaces · Agora",
        "space-create": "New space · Agora",
        "space": "Applied Machine Learning Guild · Agora",
        "members": "Members of Applied Machine Learning Guild · Agora",
        "members-manage": "Members of New joiners' help desk · Agora",
        "invitation": "Invitation · Agora",
        "private-space": "Churn model review · Agora",
        "forbidden": "Not allowed · Agora",
        "tokens": "API tokens · Agora",
        "password-change": "Change Password · Agora",
        "emails": "Email Addresses · Agora",
        "not-found": "Not found · Agora",
        "login": "Sign In · Agora",
        "signup": "Signup · Agora",
        "password-reset": "Password Reset · Agora",
    }
    assert problems == {}, "\n".join(f"--- {name}\n{text}" for name, text in problems.items())


def test_dark_scheme_really_applies(open_tab, org):
    """The dark palette is used when the browser prefers it (so the dark axe run means it)."""
    light = open_tab(user=org.amara).goto("/")
    dark = open_tab(user=org.amara, color_scheme="dark").goto("/")
    background = "return getComputedStyle(document.body).backgroundColor"
    script = f"() => {{ {background} }}"
    assert (light.evaluate(script), dark.evaluate(script)) == (
        "rgb(246, 247, 251)",
        "rgb(17, 20, 28)",
    )


def test_api_token_is_shown_once_and_listed(open_tab, org):
    tab = open_tab(user=org.amara)
    page = tab.goto("/settings/tokens/")
    page.get_by_label("Token name").fill("Weekly report script")
    page.get_by_role("button", name="Create token").click()

    token_field = page.get_by_label("Token", exact=True)
    expect(token_field).to_have_value(re.compile(r"^agora_\S{20,}$"))
    key = token_field.input_value()
    assert AccessToken.objects.get(user=org.amara).name == "Weekly report script"
    table = page.get_by_role("table")
    expect(table.get_by_role("cell", name="Weekly report script", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Revoke Weekly report script")).to_be_visible()

    tab.goto("/settings/tokens/")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_role("cell", name="Weekly report script", exact=True)).to_be_visible()
    assert key not in page.content()


def test_keyboard_reaches_content_and_account_menu(open_tab, org):
    tab = open_tab(user=org.amara)
    page = tab.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth"
    assert skip.evaluate(outline) == "solid 3px"  # the focus ring is visible
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    menu = disclosure(page, "Your account")
    menu.focus()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="My profile")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
