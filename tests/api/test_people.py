"""People endpoints: me, my profile and skills, the directory, one person, their activity."""

from __future__ import annotations

import pytest

from agora.accounts.actions import set_skills, update_profile
from agora.accounts.models import ContactVisibility, Profile, Skill, SkillClaim, User
from agora.core.models import Event
from agora.spaces import actions as space_actions
from tests.api.helpers import NOT_FOUND, invalid, iso, page
from tests.factories import UserFactory, add_member, make_space

PHONE = "+44 20 7946 0958"


def summary_json(user: User) -> dict:
    profile = Profile.objects.get(user=user)
    return {
        "id": user.pk,
        "name": user.name,
        "handle": user.handle,
        "title": profile.title,
        "department": profile.department,
        "location": profile.location,
        "photo_url": None,
        "open_to_questions": profile.open_to_questions,
        "url": f"/people/{user.pk}/",
    }


def no_contact(**shown: str) -> dict:
    contact = dict.fromkeys(
        ["email", "phone", "chat_handle", "linkedin_url", "x_url", "github_url", "website_url"]
    )
    return {**contact, **shown}


@pytest.fixture
def rita(db) -> User:
    """A person with a full profile and a phone only people in her spaces may see."""
    rita = UserFactory(
        name="Rita Researcher",
        email="rita@example.test",
        profile={
            "title": "Data scientist",
            "department": "Research",
            "location": "Lyon",
            "phone": PHONE,
            "chat_handle": "@rita",
            "github_url": "https://github.com/rita",
            "phone_visibility": ContactVisibility.SHARED_SPACE,
        },
    )
    update_profile(editor=rita, person=rita, bio="I like *graphs*.", interests="maps, R")
    set_skills(
        editor=rita,
        person=rita,
        claims=[
            {"skill": "Statistics", "level": "expert", "years": 9},
            {"skill": "Python", "level": "practitioner", "years": None},
        ],
    )
    return rita


# --- me ----------------------------------------------------------------------


def test_me_shows_every_field_of_my_own_profile(api_of, rita):
    response = api_of(rita).get("/me")
    assert response.status_code == 200
    assert response.json() == {
        **summary_json(rita),
        "org_role": "member",
        "time_zone": "UTC",
        "bio": "I like *graphs*.",
        "bio_html": "<p>I like <em>graphs</em>.</p>\n",
        "interests": ["maps", "R"],
        "skills": [
            {"skill": "Python", "slug": "python", "level": "practitioner", "years": None},
            {"skill": "Statistics", "slug": "statistics", "level": "expert", "years": 9},
        ],
        "contact": no_contact(
            email="rita@example.test",
            phone=PHONE,
            chat_handle="@rita",
            github_url="https://github.com/rita",
        ),
        "email": "rita@example.test",
        "language": "",
        "email_visibility": "org",
        "phone_visibility": "shared",
        "chat_visibility": "org",
        "links_visibility": "org",
    }


def test_patch_my_profile_changes_only_the_fields_sent(api_of, member):
    response = api_of(member).patch(
        "/me/profile",
        {
            "name": "  Mia  Martin ",
            "title": "Analyst",
            "time_zone": "Europe/Paris",
            "bio": "Hello **there**",
            "email_visibility": "me",
            "open_to_questions": False,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("name", "title", "time_zone", "bio", "bio_html")} == {
        "name": "Mia  Martin",
        "title": "Analyst",
        "time_zone": "Europe/Paris",
        "bio": "Hello **there**",
        "bio_html": "<p>Hello <strong>there</strong></p>\n",
    }
    assert (body["email_visibility"], body["open_to_questions"]) == ("me", False)
    member.refresh_from_db()
    profile = Profile.objects.get(user=member)
    assert (member.name, member.time_zone, profile.title, profile.department) == (
        "Mia  Martin",
        "Europe/Paris",
        "Analyst",
        "",
    )
    event = Event.objects.get(verb="profile.updated")
    assert (event.actor_id, event.data["fields"]) == (
        member.pk,
        ["bio", "email_visibility", "name", "open_to_questions", "time_zone", "title"],
    )


def test_patch_my_profile_clears_a_text_field_with_an_empty_string(api_of, rita):
    response = api_of(rita).patch("/me/profile", {"phone": "", "department": ""})
    assert response.status_code == 200
    assert (response.json()["department"], response.json()["contact"]["phone"]) == ("", None)
    assert Profile.objects.filter(user=rita, phone="", department="").exists() is True


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"time_zone": "Mars/Olympus"}, {"time_zone": ["Choose a time zone from the list."]}),
        ({"name": None}, {"name": ["Input should be a valid string"]}),
        ({"name": "   "}, {"name": ["String should match pattern '\\S'"]}),
        ({"open_to_questions": None}, {"open_to_questions": ["Input should be a valid boolean"]}),
        ({"open_to_questions": "yes"}, {"open_to_questions": ["Input should be a valid boolean"]}),
        ({"nickname": "M"}, {"nickname": ["Extra inputs are not permitted"]}),
        ({"title": "A\x00B"}, {"title": ["Null characters are not allowed."]}),
        ({"bio": "x" * 5001}, {"bio": ["String should have at most 5000 characters"]}),
        ({"language": "xx"}, {"language": ["String should match pattern '^(|en)$'"]}),
        (
            {"email_visibility": "friends"},
            {"email_visibility": ["Input should be 'org', 'shared' or 'me'"]},
        ),
        (
            {"phone": "call me"},
            {"phone": ["Enter a phone number such as +44 20 7946 0958."]},
        ),
        (
            {"linkedin_url": "https://example.com/mia"},
            {"linkedin_url": ["Enter a link to linkedin.com."]},
        ),
        ({"website_url": "not a link"}, {"website_url": ["Enter a valid URL."]}),
    ],
)
def test_patch_my_profile_refuses_invalid_values_and_saves_nothing(api_of, member, body, errors):
    before = Profile.objects.filter(user=member).values().get()
    response = api_of(member).patch("/me/profile", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert Profile.objects.filter(user=member).values().get() == before
    member.refresh_from_db()
    assert (member.name, member.time_zone) == ("Mia Member", "UTC")
    assert Event.objects.filter(verb="profile.updated").exists() is False


def test_put_my_skills_replaces_them_and_adds_new_names_to_the_vocabulary(api_of, rita):
    response = api_of(rita).put(
        "/me/skills",
        {
            "skills": [
                {"skill": "Statistics", "level": "learning"},
                {"skill": "  Causal   inference ", "level": "expert", "years": 2},
            ]
        },
    )
    assert response.status_code == 200
    assert response.json() == [
        {"skill": "Causal inference", "slug": "causal-inference", "level": "expert", "years": 2},
        {"skill": "Statistics", "slug": "statistics", "level": "learning", "years": None},
    ]
    assert sorted(SkillClaim.objects.filter(user=rita).values_list("skill__name", flat=True)) == [
        "Causal inference",
        "Statistics",
    ]
    assert Skill.objects.filter(name="Python").exists() is True  # the vocabulary keeps it


def test_skills_whose_names_make_the_same_slug_get_distinct_slugs(api_of, member):
    response = api_of(member).put(
        "/me/skills", {"skills": [{"skill": "C"}, {"skill": "C++"}, {"skill": "C#"}]}
    )
    assert response.status_code == 200
    assert [(item["skill"], item["slug"]) for item in response.json()] == [
        ("C", "c"),
        ("C#", "c-3"),
        ("C++", "c-2"),
    ]


@pytest.mark.parametrize(
    ("skills", "errors"),
    [
        (
            [{"skill": "SQL"}, {"skill": " sql "}],
            {"skills": ["Each skill may be listed once."]},
        ),
        (
            [{"skill": "SQL", "level": "guru"}],
            {"skills.0.level": ["Input should be 'learning', 'practitioner' or 'expert'"]},
        ),
        (
            [{"skill": "SQL", "years": True}],
            {"skills.0.years": ["Input should be a valid integer"]},
        ),
        (
            [{"skill": "SQL", "years": 71}],
            {"skills.0.years": ["Input should be less than or equal to 70"]},
        ),
        ([{"skill": " "}], {"skills.0.skill": ["String should match pattern '\\S'"]}),
        (
            [{"skill": f"Skill {n}"} for n in range(51)],
            {"skills": ["List should have at most 50 items after validation, not 51"]},
        ),
    ],
)
def test_put_my_skills_refuses_invalid_lists_and_keeps_the_old_ones(api_of, rita, skills, errors):
    response = api_of(rita).put("/me/skills", {"skills": skills})
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert sorted(SkillClaim.objects.filter(user=rita).values_list("skill__name", flat=True)) == [
        "Python",
        "Statistics",
    ]


# --- the directory -------------------------------------------------------------


def test_people_list_is_sorted_by_name_and_paginated(api_of, member):
    people = [member] + [UserFactory(name=f"Person {n:02d}") for n in range(24)]
    client = api_of(member)
    first = client.get("/people")
    second = client.get("/people", page=2)
    by_name = sorted(people, key=lambda user: user.name.lower())
    assert first.json() == page([summary_json(u) for u in by_name[:20]], count=25)
    assert second.json() == page([summary_json(u) for u in by_name[20:]], count=25, number=2)
    small = client.get("/people", page=3, page_size=10).json()
    assert small == page([summary_json(u) for u in by_name[20:]], count=25, number=3, size=10)
    assert client.get("/people", page=99).json() == page([], count=25, number=99)


def test_people_list_filters_by_name_department_and_location(api_of, member, rita):
    UserFactory(name="Rick Research", profile={"department": "Research", "location": "Oslo"})
    client = api_of(member)
    assert client.get("/people", department="Research", location="Lyon").json() == page(
        [summary_json(rita)]
    )
    assert [item["name"] for item in client.get("/people", q="ri").json()["items"]] == [
        "Rick Research",
        "Rita Researcher",
    ]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"page": 0}, {"page": ["Input should be greater than or equal to 1"]}),
        ({"page": -3}, {"page": ["Input should be greater than or equal to 1"]}),
        ({"page": 10**30}, {"page": ["Input should be less than or equal to 100000"]}),
        (
            {"page": "two"},
            {"page": ["Input should be a valid integer, unable to parse string as an integer"]},
        ),
        ({"page_size": 101}, {"page_size": ["Input should be less than or equal to 100"]}),
        ({"q": "a\x00"}, {"q": ["Null characters are not allowed."]}),
        ({"q": "x" * 101}, {"q": ["String should have at most 100 characters"]}),
    ],
)
def test_people_list_refuses_bad_parameters(api_of, member, params, errors):
    response = api_of(member).get("/people", **params)
    assert (response.status_code, response.json()) == (422, invalid(**errors))


def test_guests_list_only_people_who_share_a_space_with_them(
    api_of, guest, member, facilitator, outsider
):
    make_space(creator=facilitator, name="Guest House", members=(guest, member))
    names = [item["name"] for item in api_of(guest).get("/people").json()["items"]]
    assert names == ["Fay Facilitator", "Gail Guest", "Mia Member"]
    response = api_of(guest).get(f"/people/{outsider.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_deactivated_people_are_not_listed_or_found(api_of, member, outsider):
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    client = api_of(member)
    assert [item["id"] for item in client.get("/people").json()["items"]] == [member.pk]
    response = client.get(f"/people/{outsider.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_people_list_query_count_is_flat(api_of, member, assert_flat_query_count):
    client = api_of(member)
    assert_flat_query_count(
        lambda: client.get("/people"), grow=lambda: UserFactory.create_batch(25)
    )


# --- one person ------------------------------------------------------------------


def test_a_person_shows_the_contact_fields_the_viewer_may_see(api_of, rita, outsider):
    response = api_of(outsider).get(f"/people/{rita.pk}")
    assert response.status_code == 200
    assert response.json() == {
        **summary_json(rita),
        "org_role": "member",
        "time_zone": "UTC",
        "bio": "I like *graphs*.",
        "bio_html": "<p>I like <em>graphs</em>.</p>\n",
        "interests": ["maps", "R"],
        "skills": [
            {"skill": "Python", "slug": "python", "level": "practitioner", "years": None},
            {"skill": "Statistics", "slug": "statistics", "level": "expert", "years": 9},
        ],
        # The phone is for people who share a space with Rita.
        "contact": no_contact(
            email="rita@example.test", chat_handle="@rita", github_url="https://github.com/rita"
        ),
    }


def test_sharing_a_space_reveals_shared_space_contact_fields(api_of, rita, outsider):
    make_space(name="Lab", members=(rita, outsider))
    contact = api_of(outsider).get(f"/people/{rita.pk}").json()["contact"]
    assert contact["phone"] == PHONE


def test_only_me_fields_stay_hidden_from_everyone_else(api_of, rita, admin_user):
    update_profile(editor=rita, person=rita, email_visibility=ContactVisibility.ONLY_ME)
    contact = api_of(admin_user).get(f"/people/{rita.pk}").json()["contact"]
    assert contact["email"] is None


def test_a_missing_person_is_404(api_of, member):
    response = api_of(member).get(f"/people/{member.pk + 1000}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("user_id", "message"),
    [
        ("abc", "Input should be a valid integer, unable to parse string as an integer"),
        ("0", "Input should be greater than or equal to 1"),
        (str(10**30), "Input should be less than or equal to 9223372036854775807"),
    ],
)
def test_a_person_id_that_cannot_exist_is_422(api_of, member, user_id, message):
    response = api_of(member).get(f"/people/{user_id}")
    assert (response.status_code, response.json()) == (422, invalid(user_id=[message]))


# --- a person's activity -------------------------------------------------------


def test_person_activity_shows_only_events_in_spaces_the_viewer_may_read(
    api_of, member, outsider, facilitator
):
    open_space = make_space(creator=facilitator, name="Open Club")
    secret = make_space(creator=facilitator, name="Hidden", visibility="secret")
    add_member(secret, member)
    space_actions.join_space(user=member, space=open_space)
    response = api_of(outsider).get(f"/people/{member.pk}/activity")
    joined = Event.objects.get(verb="space.joined", actor=member)
    assert response.json() == page(
        [
            {
                "id": joined.pk,
                "verb": "space.joined",
                "actor_id": member.pk,
                "actor_name": "Mia Member",
                "space_id": open_space.pk,
                "text": "joined Open Club",
                "created_at": iso(joined.created_at),
            }
        ]
    )


def test_person_activity_of_someone_invisible_is_404(api_of, guest, outsider):
    response = api_of(guest).get(f"/people/{outsider.pk}/activity")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_person_activity_query_count_is_flat(api_of, member, outsider, assert_flat_query_count):
    client = api_of(outsider)

    def grow() -> None:
        for n in range(5):
            space = make_space(name=f"Club {n}")
            space_actions.join_space(user=member, space=space)

    assert_flat_query_count(lambda: client.get(f"/people/{member.pk}/activity"), grow=grow)
