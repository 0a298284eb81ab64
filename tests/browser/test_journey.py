"""The foundation's journey in a real browser, found the way a screen reader finds it.

Sign up → verify by the emailed link → fill the profile → start a private space
→ invite a colleague → the colleague accepts and is listed as a member → an
outsider sees neither the private space's members nor the secret space.
Every page on the way is checked with axe.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from agora.accounts.models import User
from agora.spaces.models import Invitation, Membership, Space
from tests.browser.conftest import axe_violations, disclosure, format_violations, off_loop
from tests.factories import PASSWORD, UserFactory, make_space

pytestmark = pytest.mark.browser

NEW_PASSWORD = "tidal-lantern-orchard-42"


class A11yLog:
    """Collect axe's serious and critical findings over a journey; report them all at once."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, page: Page, label: str) -> None:
        violations = axe_violations(page)
        if violations:
            self.problems[label] = format_violations(violations)
        self.checked.append(label)

    def assert_clean(self) -> None:
        report = "\n".join(f"--- {label}\n{text}" for label, text in self.problems.items())
        assert self.problems == {}, report


def link_in_mail(to: str, pattern: str) -> str:
    """Return the one link matching `pattern` in the one email sent to `to`."""
    messages = [m for m in mail.outbox if m.to == [to]]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    links = re.findall(pattern, messages[0].body)
    assert len(links) == 1, messages[0].body
    return links[0]


@pytest.fixture
def people(site) -> dict[str, User]:
    """A colleague to invite, an outsider, and a secret space the outsider must not find."""

    def arrange() -> dict:
        colleague = UserFactory(name="Jonas Weber", email="jonas.weber@northwind.test")
        outsider = UserFactory(name="Otto Lehmann", email="otto.lehmann@northwind.test")
        mentor = UserFactory(name="Priya Raman", email="priya.raman@northwind.test")
        secret = make_space(
            creator=mentor,
            name="Leadership mentoring circle",
            kind=Space.Kind.CIRCLE,
            visibility=Space.Visibility.SECRET,
        )
        return {"colleague": colleague, "outsider": outsider, "secret": secret}

    return off_loop(arrange)


def test_sign_up_profile_space_invitation_and_privacy(open_tab, site, people):
    a11y = A11yLog()
    colleague, outsider, secret = people["colleague"], people["outsider"], people["secret"]

    # --- Amara signs up (open sign-up) ---------------------------------------
    amara = open_tab()
    page = amara.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    a11y.check(page, "login")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    a11y.check(page, "signup")
    page.get_by_label("Full name").fill("Amara Okafor")
    page.get_by_role("textbox", name="Email").fill("amara.okafor@northwind.test")
    # By role and name: a label's text includes its aria-hidden "*", the name does not.
    page.get_by_role("textbox", name="Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("textbox", name="Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    a11y.check(page, "verification sent")
    user = User.objects.get(email="amara.okafor@northwind.test")
    assert (user.name, user.emailaddress_set.get().verified) == ("Amara Okafor", False)

    # --- She opens the link from the verification mail -------------------------
    link = link_in_mail("amara.okafor@northwind.test", r"https?://\S+/accounts/confirm-email/\S+/")
    assert link.startswith(site)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    a11y.check(page, "confirm email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Amara")
    assert user.emailaddress_set.get().verified is True
    a11y.check(page, "home (new account)")

    # --- She fills her profile, from the account menu ---------------------------
    disclosure(page, "Your account").click()
    page.get_by_role("link", name="Edit profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    page.get_by_label("Title").fill("Learning Experience Designer")
    page.get_by_label("Department").fill("People & Learning")
    first_skill = page.get_by_role("group", name="Skill 1")
    first_skill.get_by_label("Skill").fill("Instructional design")
    first_skill.get_by_label("Level").select_option(label="Expert")
    first_skill.get_by_label("Years").fill("9")
    a11y.check(page, "profile edit")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    expect(page.get_by_text("Learning Experience Designer")).to_be_visible()
    skills = page.get_by_role("region", name="Skills")
    expect(skills.get_by_role("listitem")).to_have_text(
        [re.compile(r"^\s*Instructional design\s+Expert · 9 years")]
    )
    a11y.check(page, "profile")

    # --- She starts a private space ---------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Spaces").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spaces")
    a11y.check(page, "space directory")
    page.get_by_role("link", name="New space").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a space")
    page.get_by_label("Name").fill("Onboarding redesign")
    page.get_by_label("Kind").select_option(label="Project")
    page.get_by_role("group", name="Visibility").get_by_label("Private").check()
    page.get_by_label("Description").fill("Rethinking the first two weeks for **new joiners**.")
    a11y.check(page, "space create")
    page.get_by_role("button", name="Create space").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding redesign")
    expect(page.get_by_role("status")).to_have_text(
        "“Onboarding redesign” is ready. Invite people to it."
    )
    space = Space.objects.get(name="Onboarding redesign")
    assert (space.visibility, space.kind) == (Space.Visibility.PRIVATE, Space.Kind.PROJECT)
    expect(page.get_by_role("strong")).to_have_text("new joiners")  # Markdown, rendered
    a11y.check(page, "space home")

    # --- She invites a colleague by email from the members page -----------------
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    invite = page.get_by_role("region", name="Invite someone")
    invite.get_by_label("Email address").fill("Jonas.Weber@northwind.test")
    invite.get_by_label("Message (optional)").fill("Your onboarding notes would help a lot.")
    invite.get_by_role("button", name="Send invitation").click()
    # Whether the message echoes the address as typed or normalized is not the point here.
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^\s*Invitation sent to jonas\.weber@northwind\.test\.\s*$", re.IGNORECASE)
    )
    expect(
        page.get_by_role("button", name="Revoke invitation to jonas.weber@northwind.test")
    ).to_be_visible()
    a11y.check(page, "members (facilitator)")
    invitation = Invitation.objects.get(space=space)
    assert (invitation.invitee, invitation.status) == (colleague, Invitation.Status.PENDING)
    invitation_link = link_in_mail("jonas.weber@northwind.test", r"https?://\S+/invitations/\S+/")
    assert invitation_link == site + invitation.get_absolute_url()

    # --- The colleague logs in, finds the invitation at home, and accepts -------
    jonas = open_tab()
    page = jonas.goto("/accounts/login/")
    page.get_by_role("textbox", name="Email").fill(colleague.email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Jonas")
    invitations = page.get_by_role("region", name="Invitations")
    invitations.get_by_role("link", name="Amara Okafor invited you to Onboarding redesign").click()
    expect(page).to_have_url(invitation_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to Onboarding redesign")
    expect(page.get_by_text("Your onboarding notes would help a lot.")).to_be_visible()
    a11y.check(page, "invitation")
    page.get_by_role("button", name="Accept and join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding redesign")
    expect(page.get_by_role("status")).to_have_text("Welcome to Onboarding redesign!")
    page.get_by_role("link", name="Members", exact=True).click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two members
    expect(rows.filter(has_text="Jonas Weber")).to_contain_text("Member")
    expect(rows.filter(has_text="Amara Okafor")).to_contain_text("Lead")
    a11y.check(page, "members (member)")
    assert sorted(Membership.objects.filter(space=space).values_list("user__name", "role")) == [
        ("Amara Okafor", "facilitator"),
        ("Jonas Weber", "member"),
    ]

    # ... and Amara sees him in her members page too.
    amara.page.reload()
    expect(amara.page.get_by_role("table").get_by_role("link", name="Jonas Weber")).to_be_visible()
    expect(amara.page.get_by_role("combobox", name="Role of Jonas Weber")).to_have_value("member")

    # --- An outsider sees neither the private space's people nor the secret space
    otto = open_tab(user=outsider)
    page = otto.goto(space.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding redesign")
    expect(page.get_by_text("This space is private.")).to_be_visible()
    expect(page.get_by_role("link", name="Jonas Weber")).to_have_count(0)
    expect(page.get_by_role("link", name="Amara Okafor")).to_have_count(0)
    expect(page.get_by_role("region", name="Recent activity")).to_have_count(0)
    expect(disclosure(page, "Ask to join")).to_be_visible()
    a11y.check(page, "private space (outsider)")
    otto.goto(f"/spaces/{space.slug}/members/", status=403)
    expect(page.get_by_text("Join this space to see its members.")).to_be_visible()
    expect(page.get_by_role("cell")).to_have_count(0)
    a11y.check(page, "403")
    otto.goto(secret.get_absolute_url(), status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("There is nothing here")
    assert "Leadership mentoring circle" not in page.content()
    a11y.check(page, "404")
    otto.goto(f"/spaces/{secret.slug}/members/", status=404)
    otto.goto("/spaces/?q=mentoring")
    expect(page.get_by_text("No spaces match.")).to_be_visible()

    assert len(a11y.checked) == 16
    a11y.assert_clean()
