"""People pages: directory, profile, profile editing, photo, API tokens, org settings."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agora.accounts.actions import create_access_token, set_skills, update_profile
from agora.accounts.forms import ProfileForm
from agora.accounts.models import (
    AccessToken,
    ContactVisibility,
    OrgSettings,
    Profile,
    Skill,
    SkillAlias,
    User,
)
from agora.core.models import Event
from agora.spaces.actions import join_space
from agora.spaces.models import Space
from tests.factories import UserFactory, add_member, make_space
from tests.pages import field_error

pytestmark = pytest.mark.django_db


def names(page) -> list[str]:
    return [person.name for person in page]


def png_bytes(size: tuple[int, int] = (40, 30), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


# --- People directory --------------------------------------------------------------


@pytest.fixture
def staff_people(db) -> list[User]:
    return [
        UserFactory(name="bea Baker", profile={"department": "Sales", "location": "Lyon"}),
        UserFactory(name="Carl Cole", profile={"department": "Research", "location": "Oslo"}),
        UserFactory(name="Ana Alves", profile={"department": "Research", "location": "Lyon"}),
        UserFactory(name="Dan Dorm", is_active=False, profile={"department": "Research"}),
    ]


def test_directory_lists_active_people_sorted_by_name(client_of, member, staff_people):
    response = client_of(member).get("/people/")

    assert response.status_code == 200
    assert names(response.context["page"]) == ["Ana Alves", "bea Baker", "Carl Cole", "Mia Member"]
    html = response.content.decode()
    assert "4 people" in html
    assert "Dan Dorm" not in html
    assert '<p class="muted small">Research · Lyon</p>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("department=Research", ["Ana Alves", "Carl Cole"]),
        ("location=Lyon", ["Ana Alves", "bea Baker"]),
        ("department=Research&location=Lyon", ["Ana Alves"]),
        ("q=CO", ["Carl Cole"]),
        ("q=zzz", []),
    ],
)
def test_directory_filters(client_of, member, staff_people, query, expected):
    response = client_of(member).get(f"/people/?{query}")
    assert response.status_code == 200
    assert names(response.context["page"]) == expected


def test_directory_offers_only_departments_and_locations_of_visible_people(
    client_of, member, staff_people
):
    form = client_of(member).get("/people/").context["form"]
    assert list(form.fields["department"].choices) == [
        ("", "All departments"),
        ("Research", "Research"),
        ("Sales", "Sales"),
    ]
    assert list(form.fields["location"].choices) == [
        ("", "All locations"),
        ("Lyon", "Lyon"),
        ("Oslo", "Oslo"),
    ]


def test_directory_ignores_an_unknown_department(client_of, member, staff_people):
    response = client_of(member).get("/people/?department=Nowhere")
    assert response.status_code == 200
    assert names(response.context["page"]) == ["Ana Alves", "bea Baker", "Carl Cole", "Mia Member"]


def test_directory_htmx_request_gets_only_the_results(client_of, member, staff_people):
    response = client_of(member).get("/people/?location=Oslo", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="people-results">')
    assert "<html" not in html
    assert "Carl Cole" in html
    assert "Ana Alves" not in html


def test_directory_paginates_by_24(client_of, member):
    UserFactory.create_batch(30)
    client = client_of(member)

    first = client.get("/people/")
    second = client.get("/people/?page=2")
    beyond = client.get("/people/?page=99")

    assert len(first.context["page"]) == 24
    assert len(second.context["page"]) == 7
    assert beyond.context["page"].number == 2
    assert set(names(first.context["page"])).isdisjoint(names(second.context["page"]))
    assert 'href="?page=2"' in first.content.decode()


def test_directory_shows_guests_only_people_who_share_a_space(
    client_of, guest, member, facilitator, outsider
):
    make_space(creator=facilitator, name="Guest Room", members=(guest, member))

    response = client_of(guest).get("/people/")

    assert names(response.context["page"]) == ["Fay Facilitator", "Gail Guest", "Mia Member"]
    assert outsider.name not in response.content.decode()


def test_directory_query_count_is_flat(client_of, member, staff_people, assert_flat_query_count):
    def grow() -> None:
        for n in range(25):
            UserFactory(profile={"department": f"Dept {n % 5}", "location": f"City {n % 4}"})

    client = client_of(member)
    assert_flat_query_count(lambda: client.get("/people/"), grow=grow, limit=7)


def test_directory_filtered_htmx_query_count_is_flat(
    client_of, member, staff_people, assert_flat_query_count
):
    def grow() -> None:
        UserFactory.create_batch(25, profile={"department": "Research", "location": "Lyon"})

    client = client_of(member)
    assert_flat_query_count(
        lambda: client.get("/people/?department=Research&page=2", HTTP_HX_REQUEST="true"),
        grow=grow,
        limit=6,
    )


# --- Person detail -----------------------------------------------------------------


@pytest.fixture
def person(db) -> User:
    person = UserFactory(
        name="Pia Person",
        email="pia@example.test",
        profile={
            "title": "Data scientist",
            "department": "Research",
            "location": "Oslo",
            "phone": "+47 22 00 00 00",
            "chat_handle": "@pia",
            "github_url": "https://github.com/pia",
            "interests": "statistics, hiking",
        },
    )
    set_skills(
        editor=person,
        person=person,
        claims=[
            {"skill": "Python", "level": "expert", "years": 7},
            {"skill": "SQL", "level": "practitioner", "years": None},
        ],
    )
    return person


def contact_of(client, person: User) -> set[str]:
    return client.get(f"/people/{person.pk}/").context["contact"]


def test_person_page_shows_profile_skills_and_interests(client_of, member, person):
    response = client_of(member).get(f"/people/{person.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Pia Person</h1>" in html
    assert '<p class="lead">Data scientist</p>' in html
    assert [c.skill.name for c in response.context["skills"]] == ["Python", "SQL"]
    assert 'Python</a> <span class="muted small">Expert · 7 years</span>' in html
    assert 'SQL</a> <span class="muted small">Practitioner</span>' in html
    assert '<li class="tag">statistics</li><li class="tag">hiking</li>' in html
    assert "Edit profile</a></p>" not in html.split("<main", 1)[1]


def test_person_page_of_myself_links_to_editing(client_of, person):
    html = client_of(person).get(f"/people/{person.pk}/").content.decode()
    assert '<a class="button" href="/settings/profile/">Edit profile</a>' in html


def test_contact_fields_follow_each_visibility(client_of, member, person, facilitator):
    # Defaults: email, chat and links for the organization; phone for shared spaces.
    assert contact_of(client_of(member), person) == {"email", "chat_handle", "links"}
    make_space(creator=facilitator, members=(member, person))
    assert contact_of(client_of(member), person) == {"email", "chat_handle", "links", "phone"}
    Profile.objects.filter(user=person).update(
        email_visibility=ContactVisibility.ONLY_ME, links_visibility=ContactVisibility.ONLY_ME
    )
    assert contact_of(client_of(member), person) == {"chat_handle", "phone"}
    assert contact_of(client_of(person), person) == {"email", "phone", "chat_handle", "links"}


def test_hidden_contact_fields_never_reach_the_page(client_of, member, person):
    Profile.objects.filter(user=person).update(
        email_visibility=ContactVisibility.ONLY_ME, chat_visibility=ContactVisibility.SHARED_SPACE
    )

    html = client_of(member).get(f"/people/{person.pk}/").content.decode()

    assert "pia@example.test" not in html
    assert "+47 22 00 00 00" not in html
    assert "@pia" not in html
    assert '<a href="https://github.com/pia" rel="noopener noreferrer nofollow">' in html


def test_person_page_says_when_nothing_is_shared(client_of, member, person):
    Profile.objects.filter(user=person).update(
        email_visibility=ContactVisibility.ONLY_ME,
        chat_visibility=ContactVisibility.ONLY_ME,
        links_visibility=ContactVisibility.ONLY_ME,
    )
    html = client_of(member).get(f"/people/{person.pk}/").content.decode()
    assert "This person shares no contact details with you." in html


def test_guest_sees_org_wide_contact_only_with_a_shared_space(
    client_of, guest, person, facilitator
):
    make_space(creator=facilitator, members=(guest, person))
    assert contact_of(client_of(guest), person) == {"email", "chat_handle", "links", "phone"}


@pytest.mark.parametrize("who", ["guest", "member"])
def test_person_page_is_404_when_unseen_or_unknown(client_of, guest, member, person, who):
    viewer = guest if who == "guest" else member
    target = person.pk if who == "guest" else 999_999
    response = client_of(viewer).get(f"/people/{target}/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_person_without_a_profile_row_still_has_pages(client_of, member):
    # Every new account gets a profile; rows from before that (or a profile
    # deleted in the admin) must not break the pages.
    bare = User.objects.create(email="bare@example.test", name="Bare Bones")
    Profile.objects.filter(user=bare).delete()

    detail = client_of(member).get(f"/people/{bare.pk}/")
    directory = client_of(member).get("/people/")

    assert detail.status_code == 200
    assert "<h1>Bare Bones</h1>" in detail.content.decode()
    assert detail.context["contact"] == {"email", "chat_handle", "links"}
    assert directory.status_code == 200
    assert "Bare Bones" in names(directory.context["page"])
    assert Profile.objects.filter(user=bare).exists() is False


def test_inactive_person_page_is_404(client_of, member, person):
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client_of(member).get(f"/people/{person.pk}/").status_code == 404


def test_person_page_lists_only_spaces_and_activity_the_viewer_may_see(
    client_of, member, person, facilitator
):
    open_space = make_space(creator=facilitator, name="Open Forum")
    private = make_space(
        creator=facilitator, name="Private Lab", visibility=Space.Visibility.PRIVATE
    )
    secret = make_space(creator=facilitator, name="Secret Cell", visibility=Space.Visibility.SECRET)
    join_space(user=person, space=open_space)
    add_member(private, person)
    add_member(secret, person)
    Event.objects.create(
        actor=person, verb="space.joined", space=private, data={"space_name": "Private Lab"}
    )

    response = client_of(member).get(f"/people/{person.pk}/")

    spaces = [m.space.name for m in response.context["memberships"]]
    assert spaces == ["Open Forum", "Private Lab"]
    feed = [(e.verb, e.space.name if e.space else None) for e in response.context["feed"]]
    assert feed == [
        ("space.joined", "Open Forum"),
        ("profile.skills_changed", None),
    ]
    html = response.content.decode()
    assert "Secret Cell" not in html
    assert "joined Open Forum" in html


def test_bio_markdown_is_rendered_and_sanitized(client_of, member, person):
    update_profile(
        editor=person,
        person=person,
        bio=(
            '**Bold** <script>alert("x")</script> [click](javascript:alert(1)) '
            "<img src=x onerror=alert(2)>"
        ),
    )

    html = client_of(member).get(f"/people/{person.pk}/").content.decode()

    assert "<p><strong>Bold</strong> &lt;script&gt;alert(" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "&lt;img src=x onerror=alert(2)&gt;</p>" in html
    assert "<img src=x" not in html


def test_person_page_query_count_is_flat(client_of, member, person, assert_flat_query_count):
    for _ in range(3):
        join_space(user=person, space=make_space())

    def grow() -> None:
        for n in range(22):
            kind = Space.Visibility.PRIVATE if n % 2 else Space.Visibility.OPEN
            extra = make_space(visibility=kind)
            add_member(extra, person)
            Event.objects.create(actor=person, verb="space.joined", space=extra, data={})
        set_skills(
            editor=person,
            person=person,
            claims=[{"skill": f"Skill {n}", "level": "expert", "years": n} for n in range(20)],
        )
        make_space(creator=person, visibility=Space.Visibility.SECRET)

    client = client_of(member)
    assert_flat_query_count(lambda: client.get(f"/people/{person.pk}/"), grow=grow, limit=10)


# --- Profile editing ---------------------------------------------------------------


def profile_data(user: User, **overrides) -> dict[str, str]:
    """The profile form as the browser would post it, with `overrides`."""
    profile = user.profile
    data = {
        "account-name": user.name,
        "account-handle": user.handle,
        "account-time_zone": user.time_zone,
        "account-language": user.language,
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "50",
        "skills-0-skill": "",
        "skills-0-level": "practitioner",
        "skills-0-years": "",
        "skills-1-skill": "",
        "skills-1-level": "practitioner",
        "skills-1-years": "",
    }
    # The form's own field list, so a new profile field needs no edit here.
    for field in ProfileForm.Meta.fields:
        if field == "open_to_questions":
            continue
        data[f"profile-{field}"] = getattr(profile, field)
    if profile.open_to_questions:
        data["profile-open_to_questions"] = "on"
    data.update(overrides)
    return data


def test_profile_edit_shows_current_values(client_of, person):
    response = client_of(person).get("/settings/profile/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="account-name" value="Pia Person"' in html
    assert 'name="profile-title" value="Data scientist"' in html
    assert 'name="skills-0-skill" value="Python"' in html
    assert 'name="skills-1-skill" value="SQL"' in html
    assert response.context["skill_formset"].total_form_count() == 4
    assert '<option value="Python">' in html


def test_profile_edit_suggests_skills_by_their_aliases_too(client_of, person):
    k8s = Skill.objects.create(name="Kubernetes")
    SkillAlias.objects.create(skill=k8s, name="k8s")
    SkillAlias.objects.create(skill=k8s, name="kube")
    html = client_of(person).get("/settings/profile/").content.decode()
    assert '<option value="Kubernetes" label="also k8s, kube">' in html
    assert '<option value="Python">' in html


def test_profile_edit_saves_account_profile_and_skills(client_of, member):
    client = client_of(member)
    data = profile_data(
        member,
        **{
            "account-name": "  Mia Morgan ",
            "account-time_zone": "Europe/Paris",
            "profile-title": "Analyst",
            "profile-department": "Finance",
            "profile-bio": "Hello *world*",
            "profile-phone_visibility": "me",
            "profile-linkedin_url": "https://www.linkedin.com/in/mia",
            "skills-0-skill": "Excel",
            "skills-0-level": "expert",
            "skills-0-years": "4",
        },
    )

    response = client.post("/settings/profile/", data, follow=True)

    assert response.redirect_chain == [(f"/people/{member.pk}/", 302)]
    assert "Your profile is saved." in response.content.decode()
    member.refresh_from_db()
    profile = Profile.objects.get(user=member)
    assert (member.name, member.time_zone) == ("Mia Morgan", "Europe/Paris")
    assert (profile.title, profile.department) == ("Analyst", "Finance")
    assert profile.bio_html == "<p>Hello <em>world</em></p>\n"
    assert profile.phone_visibility == ContactVisibility.ONLY_ME
    assert profile.linkedin_url == "https://www.linkedin.com/in/mia"
    assert list(member.skill_claims.values_list("skill__name", "level", "years")) == [
        ("Excel", "expert", 4)
    ]
    assert list(
        Event.objects.filter(actor=member).order_by("pk").values_list("verb", flat=True)
    ) == ["profile.updated", "profile.skills_changed"]


def test_profile_edit_removes_a_skill_marked_for_deletion(client_of, person):
    data = profile_data(
        person,
        **{
            "skills-TOTAL_FORMS": "2",
            "skills-0-skill": "Python",
            "skills-0-level": "expert",
            "skills-0-years": "7",
            "skills-1-skill": "SQL",
            "skills-1-DELETE": "on",
        },
    )
    response = client_of(person).post("/settings/profile/", data)
    assert response.status_code == 302
    assert list(person.skill_claims.values_list("skill__name", flat=True)) == ["Python"]


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        (
            {"profile-phone": "call me"},
            "id_profile-phone",
            "Enter a phone number such as +44 20 7946 0958.",
        ),
        (
            {"profile-linkedin_url": "https://example.com/mia"},
            "id_profile-linkedin_url",
            "Enter a link to linkedin.com.",
        ),
        ({"account-name": "   "}, "id_account-name", "This field is required."),
        (
            {"account-time_zone": "Mars/Olympus"},
            "id_account-time_zone",
            "Select a valid choice. Mars/Olympus is not one of the available choices.",
        ),
        (
            {"skills-0-years": "200", "skills-0-skill": "Go"},
            "id_skills-0-years",
            "Ensure this value is less than or equal to 70.",
        ),
    ],
)
def test_invalid_profile_keeps_what_was_typed_and_saves_nothing(
    client_of, person, overrides, field_id, message
):
    events_before = Event.objects.count()
    data = profile_data(person, **{"profile-title": "Chief typist", **overrides})

    response = client_of(person).post("/settings/profile/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="profile-title" value="Chief typist"' in html
    assert field_error(html, field_id) == message
    person.refresh_from_db()
    assert person.name == "Pia Person"
    assert Profile.objects.get(user=person).title == "Data scientist"
    assert sorted(person.skill_claims.values_list("skill__name", flat=True)) == ["Python", "SQL"]
    assert Event.objects.count() == events_before
    assert '<span class="user-menu-name">Pia Person</span>' in html


def test_duplicate_skills_are_refused(client_of, person):
    data = profile_data(
        person, **{"skills-0-skill": "Rust", "skills-1-skill": "rust", "profile-title": "Dev"}
    )
    response = client_of(person).post("/settings/profile/", data)
    assert response.status_code == 400
    assert response.context["skill_formset"].non_form_errors() == ["Each skill may be listed once."]
    assert "Each skill may be listed once." in response.content.decode()
    assert Profile.objects.get(user=person).title == "Data scientist"


# --- Photo -------------------------------------------------------------------------


def test_photo_upload_is_resized_and_shown(client_of, member, settings):
    client = client_of(member)
    upload = SimpleUploadedFile("me.txt", png_bytes((600, 400)), content_type="text/plain")

    response = client.post("/settings/photo/", {"photo": upload}, follow=True)

    assert response.redirect_chain == [("/settings/profile/", 302)]
    assert "Your photo is updated." in response.content.decode()
    profile = Profile.objects.get(user=member)
    assert profile.photo.name.startswith("photos/")
    assert profile.photo.name.endswith(".jpg")
    assert "me" not in profile.photo.name.removeprefix("photos/")
    with Image.open(profile.photo.path) as stored:
        assert stored.size == (256, 256)
    assert f'src="/media/{profile.photo.name}"' in response.content.decode()


def test_photo_that_is_not_an_image_is_refused(client_of, member):
    upload = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")

    response = client_of(member).post("/settings/photo/", {"photo": upload})

    assert response.status_code == 400
    assert "This file is not a valid image." in response.content.decode()
    assert Profile.objects.get(user=member).photo.name == ""


def test_photo_form_needs_a_file_or_removal(client_of, member):
    response = client_of(member).post("/settings/photo/", {})
    assert response.status_code == 400
    assert "Choose a photo to upload, or tick “Remove my photo”." in response.content.decode()


def test_photo_can_be_removed(client_of, member):
    client = client_of(member)
    client.post("/settings/photo/", {"photo": SimpleUploadedFile("a.png", png_bytes())})
    assert Profile.objects.get(user=member).photo.name != ""

    response = client.post("/settings/photo/", {"remove": "on"})

    assert response.status_code == 302
    assert Profile.objects.get(user=member).photo.name == ""


def test_photo_page_renders(client_of, member):
    response = client_of(member).get("/settings/photo/")
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


# --- API tokens --------------------------------------------------------------------


def test_token_is_shown_once_and_never_cached(client_of, member):
    client = client_of(member)

    posted = client.post("/settings/tokens/", {"name": "  Reporting   script "})
    assert posted.status_code == 302
    assert posted["Location"] == "/settings/tokens/"
    created = client.get("/settings/tokens/")

    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    key = created.context["new_key"]
    assert key.startswith("agora_")
    token = AccessToken.objects.get(user=member)
    assert token.name == "Reporting script"
    assert token.key_hash == AccessToken.hash_key(key)
    assert f'value="{key}" readonly' in created.content.decode()

    again = client.get("/settings/tokens/")
    assert again["Cache-Control"] == "no-store"
    assert again.context["new_key"] is None
    assert key not in again.content.decode()
    assert f"<code>{token.hint}…</code>" in again.content.decode()
    assert AccessToken.objects.filter(user=member).count() == 1


def test_token_name_is_required(client_of, member):
    response = client_of(member).post("/settings/tokens/", {"name": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert AccessToken.objects.exists() is False


def test_token_can_be_revoked(client_of, member):
    token, _key = create_access_token(user=member, name="Old script")
    client = client_of(member)

    response = client.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain == [("/settings/tokens/", 302)]
    assert "The token “Old script” is revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "<td>Revoked</td>" in response.content.decode()


def test_revoking_another_users_token_is_404(client_of, member, outsider):
    token, _key = create_access_token(user=outsider, name="Theirs")

    response = client_of(member).post(f"/settings/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(client_of, member):
    token, _key = create_access_token(user=member, name="Mine")
    assert client_of(member).get(f"/settings/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_times_show_in_the_viewers_time_zone(client_of, member):
    token, _key = create_access_token(user=member, name="Clock")
    AccessToken.objects.filter(pk=token.pk).update(
        created_at=dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)
    )
    member.time_zone = "America/New_York"
    member.save(update_fields=["time_zone"])

    html = client_of(member).get("/settings/tokens/").content.decode()

    assert "<td>03/01/2025 6:30 p.m.</td>" in html


def test_token_list_query_count_is_flat(client_of, member, assert_flat_query_count):
    for n in range(3):
        create_access_token(user=member, name=f"Token {n}")
    create_access_token(user=UserFactory(), name="Someone else's")

    def grow() -> None:
        for n in range(3, 25):
            token, _key = create_access_token(user=member, name=f"Token {n}")
            if n % 2:
                AccessToken.objects.filter(pk=token.pk).update(revoked_at=token.created_at)

    client = client_of(member)
    assert_flat_query_count(lambda: client.get("/settings/tokens/"), grow=grow, limit=5)


# --- Organization settings --------------------------------------------------------------


def test_org_settings_are_for_admins(client_of, admin_user):
    client = client_of(admin_user)
    assert client.get("/settings/organization/").status_code == 200

    response = client.post("/settings/organization/", {"signup_mode": "invite"}, follow=True)

    assert response.redirect_chain == [("/settings/organization/", 302)]
    assert "Organization settings saved." in response.content.decode()
    assert OrgSettings.load().signup_mode == OrgSettings.SignupMode.INVITE


def test_org_settings_refuse_an_unknown_mode(client_of, admin_user):
    response = client_of(admin_user).post("/settings/organization/", {"signup_mode": "party"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert OrgSettings.load().signup_mode == OrgSettings.SignupMode.OPEN


@pytest.mark.parametrize("role", [r for r in User.OrgRole.values if r != "admin"])
def test_org_settings_are_403_for_everyone_else(client_of, role):
    user = UserFactory(org_role=role)
    client = client_of(user)

    assert client.get("/settings/organization/").status_code == 403
    response = client.post("/settings/organization/", {"signup_mode": "closed"})

    assert response.status_code == 403
    assert OrgSettings.load().signup_mode == OrgSettings.SignupMode.OPEN


def test_admin_menu_links_only_for_admins(client_of, admin_user, member):
    url = reverse("org_settings")
    assert f'href="{url}"' in client_of(admin_user).get("/").content.decode()
    assert f'href="{url}"' not in client_of(member).get("/").content.decode()
