"""Forms with errors, live filtering with htmx, and pages on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agora.spaces.models import Space
from tests.browser.conftest import (
    VIEWPORT,
    axe_violations,
    disclosure,
    format_violations,
    off_loop,
    session_cookie,
)
from tests.browser.org import Organization, build_organization

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def org(site) -> Organization:
    return off_loop(build_organization)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_field_errors_are_tied_to_their_fields_and_typed_values_kept(open_tab, org, color_scheme):
    tab = open_tab(user=org.amara, color_scheme=color_scheme)
    page = tab.goto("/spaces/new/")
    page.get_by_label("Description").fill("Peer review of our **onboarding** material.")
    page.get_by_role("button", name="Create space").click()

    name = page.get_by_role("textbox", name="Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("This field is required.")
    expect(page.get_by_label("Description")).to_have_value(
        "Peer review of our **onboarding** material."
    )
    address = page.get_by_role("textbox", name="Address")
    expect(address).to_have_accessible_description(
        "Part of the space's link. Leave empty to make one from the name."
    )
    assert Space.objects.filter(description__contains="onboarding").exists() is False
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page = tab.goto("/settings/profile/")
    # Amara lists two skills; the empty rows after them are optional, so unstarred.
    expect(page.get_by_role("group", name="Skill 2").locator(".required")).to_have_count(2)
    expect(page.get_by_role("group", name="Skill 3").locator(".required")).to_have_count(0)
    page.get_by_label("Title").fill("Learning Experience Designer")
    page.get_by_label("LinkedIn").fill("https://example.com/amara")
    page.get_by_role("button", name="Save profile").click()
    linkedin = page.get_by_role("textbox", name="LinkedIn")
    expect(linkedin).to_have_attribute("aria-invalid", "true")
    expect(linkedin).to_have_accessible_description("Enter a link to linkedin.com.")
    expect(linkedin).to_have_value("https://example.com/amara")
    expect(page.get_by_label("Title")).to_have_value("Learning Experience Designer")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_sign_up_errors_keep_name_and_email_and_list_password_rules(open_tab, site):
    tab = open_tab()
    page = tab.goto("/accounts/signup/")
    password = page.get_by_role("textbox", name="Password", exact=True)
    # The password rules are read with the field (they were an empty <p> before a list).
    expect(password).to_have_accessible_description(
        re.compile(r"^Your password can’t be too similar .* can’t be entirely numeric\.$")
    )
    page.get_by_label("Full name").fill("Kenji Tanaka")
    page.get_by_role("textbox", name="Email").fill("kenji.tanaka@northwind.test")
    password.fill("tidal-lantern-orchard-42")
    page.get_by_role("textbox", name="Password (again)").fill("tidal-lantern-orchard-43")
    page.get_by_role("button", name="Sign Up").click()

    again = page.get_by_role("textbox", name="Password (again)")
    expect(again).to_have_attribute("aria-invalid", "true")
    expect(again).to_have_accessible_description("You must type the same password each time.")
    expect(page.get_by_label("Full name")).to_have_value("Kenji Tanaka")
    expect(page.get_by_role("textbox", name="Email")).to_have_value("kenji.tanaka@northwind.test")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_people_filter_updates_results_in_place(open_tab, org):
    tab = open_tab(user=org.amara)
    page = tab.goto("/people/")
    results = page.locator("#people-results")
    expect(results.get_by_role("listitem")).to_have_count(7)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Department").select_option("Engineering")
    expect(results.get_by_role("link")).to_have_text(["Jonas Weber", "Sofia Lindqvist"])
    expect(page).to_have_url(re.compile(r"/people/\?.*department=Engineering"))
    assert page.evaluate("window.notReloaded") is True  # htmx swapped, no page load

    page.get_by_label("Department").select_option("")
    page.get_by_role("textbox", name="Name").press_sequentially("pri")
    expect(results.get_by_role("link")).to_have_text(["Priya Raman"])
    expect(results).to_contain_text("1 person")
    expect(results).to_have_count(1)  # swapped in place, not nested inside itself
    assert page.evaluate("window.notReloaded") is True


def test_reading_and_filtering_work_without_javascript(browser, site, org):
    """With JavaScript off, pages read fully and filters are plain GET forms."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT, base_url=site)
    try:
        context.add_cookies([session_cookie(org.amara, site)])
        page = context.new_page()
        headings = {}
        for path in (
            "/",
            org.guild.get_absolute_url(),
            f"/spaces/{org.guild.slug}/members/",
            org.priya.get_absolute_url(),
        ):
            page.goto(path)
            headings[path] = page.get_by_role("heading", level=1).inner_text()
        assert list(headings.values()) == [
            "Welcome back, Amara",
            "Applied Machine Learning Guild",
            "Members",
            "Priya Raman",
        ]
        expect(page.get_by_role("region", name="Skills").get_by_role("listitem")).to_have_text(
            [  # skills strongest first (level, then evidence), then interests
                re.compile(r"^\s*Forecasting\s+Expert · 8 years"),
                re.compile(r"^\s*Python\s+Expert · 12 years"),
                re.compile(r"^\s*Mentoring\s+Practitioner · 5 years"),
                "causal inference",
                "cycling",
                "fado",
            ]
        )
        # The account menu is a native disclosure: it opens without a script.
        disclosure(page, "Your account").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

        page.goto("/spaces/")
        page.get_by_label("Kind").select_option(label="Community")
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(r"/spaces/\?.*kind=community"))
        expect(page.locator("#space-results").get_by_role("heading", level=3)).to_have_text(
            ["New joiners' help desk"]
        )
    finally:
        context.close()


def test_pages_fit_a_phone_screen(open_tab, org):
    tab = open_tab(user=org.amara, viewport=PHONE)
    overflowing = {}
    for path in (
        "/",
        "/people/",
        org.priya.get_absolute_url(),
        "/settings/profile/",
        "/spaces/",
        org.guild.get_absolute_url(),
        f"/spaces/{org.onboarding.slug}/members/",
        "/settings/tokens/",
    ):
        page = tab.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            overflowing[path] = width
    assert overflowing == {}
    # The brand, Home, Spaces, Courses, People, Experts and Notifications, all on a phone.
    links = tab.page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links).to_have_count(7)
    for index in range(7):
        expect(links.nth(index)).to_be_in_viewport()


def test_filter_controls_line_up(open_tab, org):
    tab = open_tab(user=org.amara)
    page = tab.goto("/spaces/")
    filters = page.get_by_role("search", name="Filter spaces")
    controls = [
        filters.get_by_label("Show"),
        filters.get_by_label("Kind"),
        filters.get_by_role("textbox", name="Search"),
        filters.get_by_role("button", name="Filter"),
    ]
    boxes = [control.bounding_box() for control in controls]
    tops = {round(box["y"]) for box in boxes}
    heights = {round(box["height"]) for box in boxes}
    assert (len(tops), heights) == (1, {44})  # one line, 44 px touch targets
