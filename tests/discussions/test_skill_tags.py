"""Skill tags on threads: up to five skills of the shared vocabulary, from the
actions, the forms, the pages (tags, the list's skill filter) and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from agora.accounts.models import Skill
from agora.discussions import actions
from agora.discussions.models import Thread
from agora.discussions.permissions import access_thread
from tests.api.helpers import ApiClient, invalid
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member

TOO_MANY = "Tag at most 5 skills."
UNKNOWN = "Choose skills from the list."


@pytest.fixture
def skills(db) -> dict[str, Skill]:
    names = ["Python", "SQL", "Statistics", "Excel", "Data visualization", "Forecasting"]
    return {skill.slug: skill for skill in (Skill.objects.create(name=n) for n in names)}


def tag_slugs(thread: Thread) -> list[str]:
    return list(
        Thread.objects.get(pk=thread.pk).skills.order_by("slug").values_list("slug", flat=True)
    )


def api_of(user) -> ApiClient:
    client = Client()
    client.force_login(user)
    return ApiClient(client)


# --- Actions -----------------------------------------------------------------------------


def test_start_thread_with_skills_records_their_slugs(space, member, skills):
    since = last_event_id()
    thread = actions.start_thread(
        author=member,
        space=space,
        title="Joins",
        skills=[skills["sql"], skills["python"].pk, skills["sql"].pk],
    )
    assert tag_slugs(thread) == ["python", "sql"]
    events = events_since(since)
    assert [(e[0], e[5]["skills"]) for e in events] == [("thread.started", ["sql", "python"])]


def test_edit_thread_replaces_the_skills_or_keeps_them(space, member, skills):
    thread = actions.start_thread(author=member, space=space, title="T", skills=[skills["sql"]])
    since = last_event_id()
    actions.edit_thread(editor=member, thread=thread, title="T", body="Kept")
    assert tag_slugs(thread) == ["sql"]
    actions.edit_thread(
        editor=member, thread=thread, title="T", body="", skills=[skills["excel"].pk]
    )
    assert tag_slugs(thread) == ["excel"]
    actions.edit_thread(editor=member, thread=thread, title="T", body="", skills=[])
    assert tag_slugs(thread) == []
    assert [(e[0], e[5]["skills"]) for e in events_since(since)] == [
        ("thread.edited", ["sql"]),
        ("thread.edited", ["excel"]),
        ("thread.edited", []),
    ]


def test_an_edited_thread_reads_its_new_tags(space, member, skills):
    actions.start_thread(author=member, space=space, title="T", skills=[skills["sql"]])
    thread = access_thread(member, space.slug, Thread.objects.get().pk)
    assert [tag["slug"] for tag in thread.skill_tags] == ["sql"]
    actions.edit_thread(editor=member, thread=thread, title="T", body="", skills=[skills["excel"]])
    assert [tag["slug"] for tag in thread.skill_tags] == ["excel"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["six"], TOO_MANY),
        ([999_999], UNKNOWN),
        (["1"], UNKNOWN),
        ([True], UNKNOWN),
    ],
)
def test_start_thread_refuses_bad_skills(space, member, skills, bad, message):
    chosen = [s.pk for s in skills.values()] if bad == ["six"] else bad
    since = last_event_id()
    with pytest.raises(ValidationError) as caught:
        actions.start_thread(author=member, space=space, title="T", skills=chosen)
    assert caught.value.message_dict == {"skills": [message]}
    assert (Thread.objects.count(), events_since(since)) == (0, [])


def test_edit_thread_refuses_bad_skills_and_changes_nothing(space, member, skills):
    thread = actions.start_thread(author=member, space=space, title="T", skills=[skills["sql"]])
    with pytest.raises(ValidationError) as caught:
        actions.edit_thread(editor=member, thread=thread, title="New", body="", skills=[424242])
    assert caught.value.message_dict == {"skills": [UNKNOWN]}
    thread.refresh_from_db()
    assert (thread.title, tag_slugs(thread)) == ("T", ["sql"])


# --- Pages -------------------------------------------------------------------------------


def test_new_thread_form_offers_the_skills_and_tags_the_thread(client_of, space, member, skills):
    client = client_of(member)
    html = client.get(f"/spaces/{space.slug}/threads/new/").content.decode()
    assert '<label for="id_skills">Skills</label>' in html
    assert (
        '<select name="skills" size="6" aria-describedby="id_skills_helptext" id="id_skills"'
        " multiple>" in html
    )
    assert "Up to 5 skills this thread is about." in html
    response = client.post(
        f"/spaces/{space.slug}/threads/new/",
        {"kind": "discussion", "title": "Pivot tables", "skills": [skills["excel"].pk]},
    )
    thread = Thread.objects.get()
    assert (response.status_code, response["Location"]) == (302, thread.get_absolute_url())
    assert tag_slugs(thread) == ["excel"]


def test_more_than_five_skills_is_a_400_that_keeps_the_text(client_of, space, member, skills):
    response = client_of(member).post(
        f"/spaces/{space.slug}/threads/new/",
        {
            "kind": "discussion",
            "title": "Six tags",
            "body": "My *draft*",
            "skills": [s.pk for s in skills.values()],
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert TOO_MANY in html
    assert 'value="Six tags"' in html
    assert "My *draft*</textarea>" in html
    assert Thread.objects.exists() is False


def test_an_unknown_skill_is_a_400(client_of, space, member, skills):
    response = client_of(member).post(
        f"/spaces/{space.slug}/threads/new/",
        {"kind": "discussion", "title": "Odd", "skills": ["999999"]},
    )
    assert response.status_code == 400
    assert "Select a valid choice. 999999 is not one of the available choices." in (
        response.content.decode()
    )
    assert Thread.objects.exists() is False


def test_edit_form_shows_the_tags_and_changes_them(client_of, space, member, skills):
    thread = actions.start_thread(author=member, space=space, title="T", skills=[skills["sql"]])
    client = client_of(member)
    url = f"/spaces/{space.slug}/threads/{thread.pk}/edit/"
    html = client.get(url).content.decode()
    assert f'<option value="{skills["sql"].pk}" selected>SQL</option>' in html
    assert f'<option value="{skills["python"].pk}">Python</option>' in html
    response = client.post(
        url, {"title": "T", "body": "", "skills": [skills["python"].pk, skills["excel"].pk]}
    )
    assert response.status_code == 302
    assert tag_slugs(thread) == ["excel", "python"]
    response = client.post(
        url, {"title": "T", "body": "Kept", "skills": [s.pk for s in skills.values()]}
    )
    assert (response.status_code, TOO_MANY in response.content.decode()) == (400, True)
    assert tag_slugs(thread) == ["excel", "python"]


def test_tags_show_on_the_thread_page_and_the_list(client_of, space, member, skills):
    thread = actions.start_thread(
        author=member, space=space, title="Tagged", skills=[skills["statistics"], skills["sql"]]
    )
    client = client_of(member)
    link = f'<li><a class="badge badge-skill" href="/spaces/{space.slug}/threads/?skill='
    tags = (
        f'<ul class="skill-tags" aria-label="Skills">{link}sql">SQL</a></li>'
        f'{link}statistics">Statistics</a></li></ul>'
    )
    assert tags in client.get(thread.get_absolute_url()).content.decode()
    assert tags in client.get(f"/spaces/{space.slug}/threads/").content.decode()


def test_the_list_filters_by_skill(client_of, space, member, skills):
    actions.start_thread(author=member, space=space, title="About SQL", skills=[skills["sql"]])
    actions.start_thread(author=member, space=space, title="About Excel", skills=[skills["excel"]])
    actions.start_thread(author=member, space=space, title="Untagged")
    client = client_of(member)
    html = client.get(f"/spaces/{space.slug}/threads/?skill=sql").content.decode()
    assert (">About SQL</a>" in html, ">About Excel</a>" in html, ">Untagged</a>" in html) == (
        True,
        False,
        False,
    )
    # The filter offers the skills this space's threads are tagged with.
    assert '<option value="sql" selected>SQL</option>' in html
    assert '<option value="excel">Excel</option>' in html
    assert 'value="python"' not in html
    # An unknown slug filters nothing (the form is not valid).
    html = client.get(f"/spaces/{space.slug}/threads/?skill=nope").content.decode()
    assert (">About SQL</a>" in html, ">Untagged</a>" in html) == (True, True)


def test_the_unanswered_list_filters_by_skill_too(client_of, space, member, skills):
    actions.start_thread(
        author=member, space=space, title="SQL question", kind="question", skills=[skills["sql"]]
    )
    actions.start_thread(author=member, space=space, title="Other question", kind="question")
    html = (
        client_of(member)
        .get(f"/spaces/{space.slug}/threads/?unanswered=on&skill=sql")
        .content.decode()
    )
    assert (">SQL question</a>" in html, ">Other question</a>" in html) == (True, False)


def test_hidden_thread_tags_are_concealed(client_of, space, facilitator, member, skills):
    thread = actions.start_thread(author=member, space=space, title="Hide", skills=[skills["sql"]])
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    other = UserFactory()
    add_member(space, other)
    client = client_of(other)
    assert "skill-tags" not in client.get(thread.get_absolute_url()).content.decode()
    assert "skill-tags" not in client.get(f"/spaces/{space.slug}/threads/").content.decode()
    assert api_of(other).get(f"/threads/{thread.pk}").json()["skills"] == []
    assert "skill-tags" in client_of(member).get(thread.get_absolute_url()).content.decode()


def test_thread_page_with_tags_stays_at_seven_queries(
    client_of, space, member, skills, assert_flat_query_count
):
    thread = actions.start_thread(
        author=member, space=space, title="Tagged", skills=[skills["sql"], skills["excel"]]
    )
    learner = UserFactory()
    add_member(space, learner)
    actions.post_reply(author=member, thread=thread, body="First")
    client = client_of(learner)

    def grow() -> None:
        for n in range(10):
            actions.post_reply(author=member, thread=thread, body=f"Reply {n}")
        actions.edit_thread(
            editor=member, thread=thread, title="Tagged", body="", skills=list(skills.values())[:5]
        )

    # Session, user (with their profile, for the header), thread (with its space,
    # role and tags), replies, reactions, attachments, the visit.
    count = assert_flat_query_count(lambda: client.get(thread.get_absolute_url()), grow=grow)
    assert count == 7


def test_tagged_thread_list_stays_flat(client_of, space, member, skills, assert_flat_query_count):
    actions.start_thread(author=member, space=space, title="First", skills=[skills["sql"]])

    def grow() -> None:
        for n in range(15):
            actions.start_thread(
                author=member, space=space, title=f"T{n}", skills=list(skills.values())[n % 3 :][:3]
            )

    client = client_of(member)
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{space.slug}/threads/"), grow=grow, limit=9
    )
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{space.slug}/threads/?skill=sql"), grow=lambda: None, limit=10
    )


# --- API ---------------------------------------------------------------------------------


def test_api_starts_and_patches_tags(space, member, skills):
    client = api_of(member)
    response = client.post(
        f"/spaces/{space.pk}/threads",
        {"title": "Via API", "skills": [skills["sql"].pk, skills["excel"].pk]},
    )
    thread = Thread.objects.get()
    excel, sql, python = skills["excel"], skills["sql"], skills["python"]
    assert (response.status_code, response.json()["skills"]) == (
        201,
        [
            {"id": excel.pk, "name": "Excel", "slug": "excel"},
            {"id": sql.pk, "name": "SQL", "slug": "sql"},
        ],
    )
    response = client.patch(f"/threads/{thread.pk}", {"body": "Only the body"})
    assert [tag["slug"] for tag in response.json()["skills"]] == ["excel", "sql"]
    response = client.patch(f"/threads/{thread.pk}", {"skills": [python.pk]})
    assert (response.status_code, response.json()["skills"]) == (
        200,
        [{"id": python.pk, "name": "Python", "slug": "python"}],
    )
    listed = client.get(f"/spaces/{space.pk}/threads").json()["items"]
    assert [item["skills"] for item in listed] == [
        [{"id": python.pk, "name": "Python", "slug": "python"}]
    ]


@pytest.mark.parametrize("method", ["post", "patch"])
def test_api_refuses_bad_skills(space, member, skills, method):
    thread = actions.start_thread(author=member, space=space, title="T", skills=[skills["sql"]])
    client = api_of(member)
    send = getattr(client, method)
    url = f"/spaces/{space.pk}/threads" if method == "post" else f"/threads/{thread.pk}"
    data = {"title": "New"} if method == "post" else {}
    six = [s.pk for s in skills.values()]
    response = send(url, {**data, "skills": six})
    assert (response.status_code, response.json()) == (
        422,
        invalid(skills=["List should have at most 5 items after validation, not 6"]),
    )
    response = send(url, {**data, "skills": [999_999]})
    assert (response.status_code, response.json()) == (422, invalid(skills=[UNKNOWN]))
    response = send(url, {**data, "skills": ["sql"]})
    assert (response.status_code, response.json()) == (
        422,
        invalid(**{"skills.0": ["Input should be a valid integer"]}),
    )
    assert Thread.objects.count() == 1
    assert tag_slugs(thread) == ["sql"]
