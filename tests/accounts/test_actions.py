"""Every write to people, profiles, skills, tokens and organization settings.

Each action is checked for its happy path (the exact rows and the exact
event), each refusal (PermissionDenied, nothing changed) and each
validation error (with its field).
"""

from __future__ import annotations

import hashlib
import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from agora.accounts import actions
from agora.accounts.models import (
    AccessToken,
    ContactVisibility,
    OrgSettings,
    Profile,
    Skill,
    SkillClaim,
    User,
)
from agora.core.models import Event
from tests.events import events_since, last_event_id
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- helpers -----------------------------------------------------------------

PROFILE_COLUMNS = (
    "user_id",
    "photo",
    "title",
    "department",
    "location",
    "bio",
    "bio_html",
    "interests",
    "phone",
    "chat_handle",
    "linkedin_url",
    "x_url",
    "github_url",
    "website_url",
    "email_visibility",
    "phone_visibility",
    "chat_visibility",
    "links_visibility",
    "open_to_questions",
)


def state() -> dict[str, Any]:
    """Everything the account actions may write, to prove a refusal changed nothing."""
    return {
        "users": sorted(
            User.objects.values_list("pk", "name", "email", "org_role", "time_zone", "language")
        ),
        "profiles": sorted(Profile.objects.values_list(*PROFILE_COLUMNS)),
        "skills": sorted(Skill.objects.values_list("pk", "name", "slug")),
        "claims": sorted(SkillClaim.objects.values_list("user_id", "skill_id", "level", "years")),
        "tokens": sorted(AccessToken.objects.values_list("pk", "user_id", "name", "revoked_at")),
        "org": list(OrgSettings.objects.values_list("pk", "signup_mode")),
        "events": Event.objects.count(),
    }


def claims_of(person: User) -> list[tuple[str, str, int | None]]:
    return list(
        SkillClaim.objects.filter(user=person)
        .order_by("skill__name")
        .values_list("skill__name", "level", "years")
    )


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_in(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Return the (tag, attributes) of every element in `html`, as a browser parses it."""
    parser = _TagCollector()
    parser.feed(html)
    return parser.tags


def png_upload(name: str = "me.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- update_profile -------------------------------------------------------------


def test_update_own_profile(member):
    before = last_event_id()
    profile = actions.update_profile(
        editor=member,
        person=member,
        name="  Mia Morales ",
        time_zone="Europe/Paris",
        title="Data analyst",
        department="Finance",
        bio="I like **charts**.",
        phone="+44 20 7946 0958",
        github_url="https://github.com/mia",
        phone_visibility=ContactVisibility.ONLY_ME,
        open_to_questions=False,
    )
    member.refresh_from_db()
    profile.refresh_from_db()
    assert (member.name, member.time_zone) == ("Mia Morales", "Europe/Paris")
    assert (
        profile.title,
        profile.department,
        profile.bio,
        profile.bio_html,
        profile.phone,
        profile.github_url,
        profile.phone_visibility,
        profile.open_to_questions,
    ) == (
        "Data analyst",
        "Finance",
        "I like **charts**.",
        "<p>I like <strong>charts</strong>.</p>\n",
        "+44 20 7946 0958",
        "https://github.com/mia",
        "me",
        False,
    )
    assert events_since(before) == [
        (
            "profile.updated",
            member.pk,
            None,
            "user",
            member.pk,
            {
                "fields": [
                    "bio",
                    "department",
                    "github_url",
                    "name",
                    "open_to_questions",
                    "phone",
                    "phone_visibility",
                    "time_zone",
                    "title",
                ]
            },
        )
    ]


def test_an_admin_may_edit_someone_elses_profile(member, admin_user):
    before = last_event_id()
    actions.update_profile(editor=admin_user, person=member, title="Team lead")
    assert Profile.objects.get(user=member).title == "Team lead"
    assert events_since(before) == [
        ("profile.updated", admin_user.pk, None, "user", member.pk, {"fields": ["title"]})
    ]


def test_update_profile_without_changes_records_nothing(member):
    before = state()
    actions.update_profile(editor=member, person=member)
    assert state() == before


@pytest.mark.parametrize("editor_role", [User.OrgRole.MEMBER, User.OrgRole.STAFF])
def test_update_someone_elses_profile_is_refused(member, editor_role):
    colleague = UserFactory(org_role=editor_role)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.update_profile(editor=colleague, person=member, title="Intern")
    assert state() == before


@pytest.mark.parametrize(
    "bio",
    [
        "<script>alert('x')</script>",
        "Hi <script>alert('x')</script> there",
        "```\n</code><script>alert(1)</script>\n```",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
    ],
)
def test_bio_html_is_sanitized(member, bio):
    profile = actions.update_profile(editor=member, person=member, bio=bio)
    stored = Profile.objects.get(user=member)
    assert stored.bio == bio
    assert stored.bio_html == profile.bio_html
    tags = tags_in(stored.bio_html)
    assert [tag for tag, _attrs in tags if tag in {"script", "img", "iframe"}] == []
    assert [name for _tag, attrs in tags for name, _value in attrs if name.startswith("on")] == []
    hrefs = [value for _tag, attrs in tags for name, value in attrs if name == "href"]
    assert [href for href in hrefs if not href.startswith(("http:", "https:"))] == []


def test_bio_renders_markdown_links_safely(member):
    actions.update_profile(editor=member, person=member, bio="See [my site](https://mia.example).")
    assert Profile.objects.get(user=member).bio_html == (
        '<p>See <a href="https://mia.example" rel="nofollow noopener noreferrer ugc">'
        "my site</a>.</p>\n"
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": "   "}, ["name"]),
        ({"time_zone": "Mars/Olympus"}, ["time_zone"]),
        ({"phone": "call me"}, ["phone"]),
        ({"chat_handle": "<b>me</b>"}, ["chat_handle"]),
        ({"linkedin_url": "https://evil.example/in/mia"}, ["linkedin_url"]),
        ({"x_url": "https://x.com.evil.example/mia"}, ["x_url"]),
        ({"github_url": "javascript:alert(1)"}, ["github_url"]),
        ({"website_url": "not a url"}, ["website_url"]),
        ({"email_visibility": "world"}, ["email_visibility"]),
        ({"title": "x" * 121}, ["title"]),
        ({"bio": "x" * 5001}, ["bio"]),
        ({"bio": None}, ["bio"]),
        ({"title": None}, ["title"]),
        (
            {"phone": "nope", "title": "x" * 121, "time_zone": "Nowhere"},
            ["phone", "time_zone", "title"],
        ),
    ],
)
def test_update_profile_validation_errors(member, changes, fields):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.update_profile(editor=member, person=member, **changes)
    assert sorted(raised.value.message_dict) == fields
    assert state() == before


def test_blank_name_has_a_clear_message(member):
    with pytest.raises(ValidationError) as raised:
        actions.update_profile(editor=member, person=member, name=" ")
    assert raised.value.message_dict == {"name": ["Enter your name."]}


@pytest.mark.parametrize("field", ["org_role", "email", "is_superuser", "password", "bio_html"])
def test_update_profile_refuses_fields_it_does_not_own(member, field):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.update_profile(editor=member, person=member, **{field: "admin"})
    assert raised.value.message_dict == {field: ["Unknown field."]}
    assert state() == before


# --- set_profile_photo ----------------------------------------------------------


def test_set_and_remove_profile_photo(member):
    before = last_event_id()
    profile = actions.set_profile_photo(
        editor=member, person=member, upload=png_upload("../../etc/passwd.png")
    )
    name = Profile.objects.get(user=member).photo.name
    assert name == profile.photo.name
    assert name.startswith("photos/")
    assert name.endswith(".jpg")
    assert "passwd" not in name
    with Image.open(profile.photo.path) as image:
        assert image.size == (actions.PHOTO_SIZE, actions.PHOTO_SIZE)
    actions.set_profile_photo(editor=member, person=member, upload=None)
    assert Profile.objects.get(user=member).photo.name == ""
    assert events_since(before) == [
        ("profile.photo_changed", member.pk, None, "user", member.pk, {}),
        ("profile.photo_changed", member.pk, None, "user", member.pk, {}),
    ]


def test_set_profile_photo_refused_for_someone_else(member, outsider):
    before = state()
    with pytest.raises(PermissionDenied):
        actions.set_profile_photo(editor=outsider, person=member, upload=png_upload())
    assert state() == before


def test_set_profile_photo_refuses_a_non_image(member):
    upload = SimpleUploadedFile("photo.png", b"<?php echo 'hi'; ?>", content_type="image/png")
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.set_profile_photo(editor=member, person=member, upload=upload)
    assert raised.value.code == "bad_image"
    assert state() == before


# --- set_skills -----------------------------------------------------------------


def test_set_skills_reuses_the_vocabulary_case_insensitively(member, outsider):
    actions.set_skills(editor=outsider, person=outsider, claims=[{"skill": "Python"}])
    before = last_event_id()
    saved = actions.set_skills(
        editor=member,
        person=member,
        claims=[
            {"skill": "  python ", "level": "expert", "years": 8},
            {"skill": "Data   Visualization", "level": "learning"},
        ],
    )
    assert list(Skill.objects.order_by("name").values_list("name", "slug")) == [
        ("Data Visualization", "data-visualization"),
        ("Python", "python"),
    ]
    assert [(claim.skill.name, claim.level, claim.years) for claim in saved] == [
        ("Python", "expert", 8),
        ("Data Visualization", "learning", None),
    ]
    assert claims_of(member) == [
        ("Data Visualization", "learning", None),
        ("Python", "expert", 8),
    ]
    assert events_since(before) == [
        (
            "profile.skills_changed",
            member.pk,
            None,
            "user",
            member.pk,
            {"skills": ["Python", "Data Visualization"]},
        )
    ]


def test_set_skills_replaces_the_whole_list(member):
    actions.set_skills(
        editor=member,
        person=member,
        claims=[{"skill": "Python"}, {"skill": "SQL", "level": "expert"}],
    )
    actions.set_skills(
        editor=member,
        person=member,
        claims=[{"skill": "sql", "level": "learning", "years": 1}, {"skill": "R"}],
    )
    assert claims_of(member) == [("R", "practitioner", None), ("SQL", "learning", 1)]
    # The vocabulary keeps Python for others; only the claim went.
    assert list(Skill.objects.order_by("name").values_list("name", flat=True)) == [
        "Python",
        "R",
        "SQL",
    ]
    actions.set_skills(editor=member, person=member, claims=[])
    assert claims_of(member) == []


def test_skill_names_that_slugify_alike_get_distinct_slugs(member):
    actions.set_skills(
        editor=member,
        person=member,
        claims=[{"skill": "C"}, {"skill": "C++"}, {"skill": "C#"}],
    )
    assert sorted(Skill.objects.values_list("name", "slug")) == [
        ("C", "c"),
        ("C#", "c-3"),
        ("C++", "c-2"),
    ]
    assert claims_of(member) == [
        ("C", "practitioner", None),
        ("C#", "practitioner", None),
        ("C++", "practitioner", None),
    ]


def test_set_skills_for_someone_else_is_refused(member, outsider):
    before = state()
    with pytest.raises(PermissionDenied):
        actions.set_skills(editor=outsider, person=member, claims=[{"skill": "Go"}])
    assert state() == before


@pytest.mark.parametrize(
    ("claims", "messages"),
    [
        ([{"skill": "   "}], ["A skill name has 1 to 80 characters."]),
        ([{"skill": "x" * 81}], ["A skill name has 1 to 80 characters."]),
        ([{"skill": "Go", "level": "guru"}], ["Go: Value 'guru' is not a valid choice."]),
        (
            [{"skill": "Go", "years": 71}],
            ["Go: Ensure this value is less than or equal to 70."],
        ),
        ([{"skill": f"Skill {n}"} for n in range(51)], ["List at most 50 skills."]),
    ],
)
def test_set_skills_validation_errors(member, claims, messages):
    actions.set_skills(editor=member, person=member, claims=[{"skill": "Python"}])
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.set_skills(editor=member, person=member, claims=claims)
    assert raised.value.message_dict == {"skills": messages}
    assert state() == before


# --- access tokens --------------------------------------------------------------


def test_create_access_token_returns_the_secret_once_and_stores_its_hash(member):
    before = last_event_id()
    token, secret = actions.create_access_token(user=member, name="  CI   script ")
    token.refresh_from_db()
    assert secret.startswith("agora_")
    assert len(secret) == len("agora_") + 43
    assert (token.user, token.name, token.hint, token.revoked_at) == (
        member,
        "CI script",
        secret[:10],
        None,
    )
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = AccessToken.objects.filter(pk=token.pk).values().get()
    assert all(secret not in str(value) for value in stored.values())
    assert events_since(before) == [("token.created", member.pk, None, "accesstoken", token.pk, {})]
    _other, second_secret = actions.create_access_token(user=member, name="CI script")
    assert second_secret != secret


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_access_token_needs_a_name(member, name):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.create_access_token(user=member, name=name)
    assert raised.value.message_dict == {"name": ["Name the token (1 to 80 characters)."]}
    assert state() == before


def test_at_most_twenty_active_tokens(member):
    tokens = [actions.create_access_token(user=member, name=f"t{n}")[0] for n in range(20)]
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.create_access_token(user=member, name="one more")
    assert raised.value.message_dict == {"name": ["You have 20 active tokens; revoke one first."]}
    assert state() == before
    actions.revoke_access_token(user=member, token=tokens[0])
    actions.create_access_token(user=member, name="one more")
    assert member.access_tokens.filter(revoked_at__isnull=True).count() == 20


def test_revoke_access_token(member, client_of):
    token, secret = actions.create_access_token(user=member, name="CI")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client_of(member).get("/api/v1/me", **auth).status_code == 200
    before = last_event_id()
    actions.revoke_access_token(user=member, token=token)
    revoked_at = AccessToken.objects.get(pk=token.pk).revoked_at
    assert revoked_at is not None
    # Revoking again changes nothing and records nothing.
    actions.revoke_access_token(user=member, token=token)
    assert AccessToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert events_since(before) == [("token.revoked", member.pk, None, "accesstoken", token.pk, {})]
    assert Client().get("/api/v1/me", **auth).status_code == 401


def test_revoking_someone_elses_token_is_refused(member, admin_user):
    token, _secret = actions.create_access_token(user=member, name="CI")
    colleague = UserFactory()
    before = state()
    for intruder in (admin_user, colleague):
        with pytest.raises(PermissionDenied):
            actions.revoke_access_token(user=intruder, token=token)
    assert state() == before


# --- change_org_role and set_signup_mode ----------------------------------------


def test_admin_changes_an_org_role(admin_user, member):
    before = last_event_id()
    actions.change_org_role(actor=admin_user, person=member, role=User.OrgRole.STAFF)
    assert User.objects.get(pk=member.pk).org_role == "staff"
    assert events_since(before) == [
        (
            "person.role_changed",
            admin_user.pk,
            None,
            "user",
            member.pk,
            {"old": "member", "new": "staff"},
        )
    ]


@pytest.mark.parametrize(
    "actor_role", [User.OrgRole.STAFF, User.OrgRole.MEMBER, User.OrgRole.GUEST]
)
def test_only_admins_change_org_roles(member, admin_user, actor_role):
    actor = UserFactory(org_role=actor_role)
    before = state()
    for person, role in ((member, User.OrgRole.ADMIN), (actor, User.OrgRole.ADMIN)):
        with pytest.raises(PermissionDenied):
            actions.change_org_role(actor=actor, person=person, role=role)
    assert state() == before


def test_change_org_role_to_an_unknown_role(admin_user, member):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.change_org_role(actor=admin_user, person=member, role="superuser")
    assert raised.value.message_dict == {"org_role": ["Choose a valid role."]}
    assert state() == before


def test_the_last_admin_keeps_the_role(admin_user):
    # An inactive admin does not count as the other one.
    UserFactory(org_role=User.OrgRole.ADMIN, is_active=False)
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.change_org_role(actor=admin_user, person=admin_user, role=User.OrgRole.MEMBER)
    assert raised.value.message_dict == {
        "org_role": ["The organization must keep at least one admin."]
    }
    assert state() == before


def test_an_admin_may_step_down_once_another_is_named(admin_user, member):
    actions.change_org_role(actor=admin_user, person=member, role=User.OrgRole.ADMIN)
    actions.change_org_role(actor=admin_user, person=admin_user, role=User.OrgRole.MEMBER)
    assert sorted(User.objects.values_list("name", "org_role")) == [
        ("Ada Admin", "member"),
        ("Mia Member", "admin"),
    ]
    # And the new admin is now the last one.
    with pytest.raises(ValidationError):
        actions.change_org_role(actor=member, person=member, role=User.OrgRole.MEMBER)


def test_set_signup_mode(admin_user):
    before = last_event_id()
    org = actions.set_signup_mode(actor=admin_user, mode=OrgSettings.SignupMode.INVITE)
    assert list(OrgSettings.objects.values_list("pk", "signup_mode")) == [(1, "invite")]
    assert events_since(before) == [
        ("org.signup_mode_changed", admin_user.pk, None, "orgsettings", org.pk, {"mode": "invite"})
    ]


@pytest.mark.parametrize(
    "actor_role", [User.OrgRole.STAFF, User.OrgRole.MEMBER, User.OrgRole.GUEST]
)
def test_only_admins_set_the_signup_mode(db, actor_role):
    OrgSettings.load()
    actor = UserFactory(org_role=actor_role)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.set_signup_mode(actor=actor, mode=OrgSettings.SignupMode.OPEN)
    with pytest.raises(PermissionDenied):
        actions.set_signup_mode(actor=actor, mode=OrgSettings.SignupMode.CLOSED)
    assert state() == before


def test_set_signup_mode_to_an_unknown_mode(admin_user):
    OrgSettings.load()
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.set_signup_mode(actor=admin_user, mode="sometimes")
    assert raised.value.message_dict == {"signup_mode": ["Choose a valid sign-up mode."]}
    assert state() == before
