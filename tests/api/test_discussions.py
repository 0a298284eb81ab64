"""Discussion endpoints: threads, replies with stance, reactions, endorsements,
accepted answers.

A thread or reply in a space whose content the caller may not read answers
exactly like a missing one (404); a readable one the caller may not act on
answers 403; values an action refuses answer 422, and nothing is written.
"""

from __future__ import annotations

import pytest

from agora.discussions import actions
from agora.discussions.api import JOIN_TO_READ, NOT_A_REPLY, POST_FIRST
from agora.discussions.models import MAX_BODY, Reaction, Reply, Thread
from agora.spaces.models import Membership, Space
from tests.api.helpers import NOT_FOUND, forbidden, invalid, iso, page
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member, make_space

STANCE_CHOICES = "Input should be '', 'agree', 'disagree' or 'alternative'"


@pytest.fixture
def course(facilitator, member):
    space = make_space(name="Statistics 101", kind=Space.Kind.COURSE, members=(member,))
    add_member(space, facilitator, Membership.Role.FACILITATOR)
    return space


@pytest.fixture
def learner(course):
    person = UserFactory(name="Lea Learner")
    add_member(course, person)
    return person


@pytest.fixture
def secret_space(facilitator):
    return make_space(creator=facilitator, name="Skunkworks", visibility="secret")


@pytest.fixture
def private_space(facilitator):
    return make_space(creator=facilitator, name="Quiet Room", visibility="private")


@pytest.fixture
def thread(space, member):
    return actions.start_thread(
        author=member, space=space, title="Which plot?", body="Bars or *lines*?"
    )


@pytest.fixture
def prompt(course, facilitator):
    return actions.start_thread(
        author=facilitator,
        space=course,
        title="Is the mean enough?",
        body="Argue.",
        kind=Thread.Kind.PROMPT,
    )


@pytest.fixture
def question(space, member):
    return actions.start_thread(
        author=member, space=space, title="How to bin?", kind=Thread.Kind.QUESTION
    )


def thread_json(thread: Thread) -> dict:
    thread.refresh_from_db()
    return {
        "id": thread.pk,
        "space_id": thread.space_id,
        "kind": thread.kind,
        "title": thread.title,
        "body": thread.body,
        "html": thread.body_html,
        "author_id": thread.author_id,
        "author_name": thread.author.name if thread.author else None,
        "is_pinned": thread.is_pinned,
        "is_locked": thread.is_locked,
        "is_closed": thread.is_closed,
        "is_hidden": thread.is_hidden,
        "post_first": thread.post_first,
        "is_deleted": thread.is_deleted,
        "accepted_reply_id": thread.accepted_reply_id,
        "reply_count": thread.reply_count,
        "stances": {
            "agree": thread.agree_count,
            "disagree": thread.disagree_count,
            "alternative": thread.alternative_count,
        },
        "created_at": iso(thread.created_at),
        "edited_at": iso(thread.edited_at),
        "last_activity_at": iso(thread.last_activity_at),
        "url": f"/spaces/{thread.space.slug}/threads/{thread.pk}/",
        "attachments": [],
        "skills": [
            {"id": skill.pk, "name": skill.name, "slug": skill.slug}
            for skill in thread.skills.order_by("name", "pk")
        ],
        "video": None,
    }


def reply_json(reply: Reply, *, mine: tuple[str, ...] = (), accepted: bool = False) -> dict:
    reply.refresh_from_db()
    return {
        "id": reply.pk,
        "thread_id": reply.thread_id,
        "parent_id": reply.parent_id,
        "author_id": reply.author_id,
        "author_name": reply.author.name if reply.author else None,
        "body": reply.body,
        "html": reply.body_html,
        "stance": reply.stance,
        "is_deleted": reply.is_deleted,
        "is_hidden": reply.is_hidden,
        "is_endorsed": reply.endorsed_at is not None,
        "is_accepted": accepted,
        "reactions": {
            "helpful": reply.helpful_count,
            "insightful": reply.insightful_count,
            "thanks": reply.thanks_count,
        },
        "my_reactions": list(mine),
        "created_at": iso(reply.created_at),
        "edited_at": iso(reply.edited_at),
        "url": f"/spaces/{reply.thread.space.slug}/threads/{reply.thread_id}/#reply-{reply.pk}",
        "attachments": [],
    }


def response_json(reply: Reply, comments: list[dict] | None = None, **kwargs) -> dict:
    return {**reply_json(reply, **kwargs), "comments": comments or []}


# --- thread list -------------------------------------------------------------------


def test_thread_list_shows_pinned_first_then_latest_activity(api_of, facilitator, member, space):
    first = actions.start_thread(author=member, space=space, title="First")
    second = actions.start_thread(author=member, space=space, title="Second")
    pinned = actions.start_thread(author=member, space=space, title="Rules")
    actions.moderate_thread(actor=facilitator, thread=pinned, is_pinned=True)
    actions.post_reply(author=facilitator, thread=first, body="Bump")
    response = api_of(member).get(f"/spaces/{space.pk}/threads")
    assert response.status_code == 200
    assert response.json() == page([thread_json(pinned), thread_json(first), thread_json(second)])


def test_thread_list_filters_by_kind_and_unanswered(api_of, member, space, thread, question):
    other = actions.start_thread(
        author=member, space=space, title="Answered?", kind=Thread.Kind.QUESTION
    )
    client = api_of(member)
    assert client.get(f"/spaces/{space.pk}/threads", kind="question").json() == page(
        [thread_json(other), thread_json(question)]
    )
    assert client.get(f"/spaces/{space.pk}/threads", kind="discussion").json() == page(
        [thread_json(thread)]
    )
    assert client.get(f"/spaces/{space.pk}/threads", unanswered=True).json() == page(
        [thread_json(question), thread_json(other)]
    )


def test_unanswered_leaves_out_questions_with_an_accepted_answer(
    api_of, facilitator, member, space, question
):
    reply = actions.post_reply(author=facilitator, thread=question, body="Use Sturges.")
    actions.accept_answer(actor=member, thread=question, reply=reply)
    response = api_of(member).get(f"/spaces/{space.pk}/threads", unanswered="true")
    assert response.json() == page([])


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"kind": "poll"},
            {
                "kind": [
                    "Input should be 'discussion', 'question', 'prompt', 'blog', "
                    "'announcement' or 'show_and_tell'"
                ]
            },
        ),
        (
            {"unanswered": "maybe"},
            {"unanswered": ["Input should be a valid boolean, unable to interpret input"]},
        ),
        ({"page_size": 101}, {"page_size": ["Input should be less than or equal to 100"]}),
    ],
)
def test_thread_list_refuses_bad_parameters(api_of, member, space, params, errors):
    response = api_of(member).get(f"/spaces/{space.pk}/threads", **params)
    assert (response.status_code, response.json()) == (422, invalid(**errors))


def test_thread_list_of_an_unreadable_space(api_of, outsider, private_space, secret_space):
    client = api_of(outsider)
    response = client.get(f"/spaces/{private_space.pk}/threads")
    assert (response.status_code, response.json()) == (403, forbidden(JOIN_TO_READ))
    response = client.get(f"/spaces/{secret_space.pk}/threads")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_thread_list_pages(api_of, member, space):
    threads = [actions.start_thread(author=member, space=space, title=f"T{n}") for n in range(3)]
    response = api_of(member).get(f"/spaces/{space.pk}/threads", page=2, page_size=2)
    assert response.json() == page([thread_json(threads[0])], count=3, number=2, size=2)


def test_thread_list_query_count_is_flat(api_of, member, space, thread, assert_flat_query_count):
    def grow():
        for n in range(10):
            author = UserFactory()
            add_member(space, author)
            actions.start_thread(author=author, space=space, title=f"T{n}")

    client = api_of(member)
    assert_flat_query_count(lambda: client.get(f"/spaces/{space.pk}/threads"), grow=grow)


# --- one thread ----------------------------------------------------------------------


def test_get_thread(api_of, outsider, thread):
    response = api_of(outsider).get(f"/threads/{thread.pk}")
    assert (response.status_code, response.json()) == (200, thread_json(thread))
    assert response.json()["html"] == "<p>Bars or <em>lines</em>?</p>\n"


def test_threads_of_unreadable_spaces_are_404_like_missing_ones(
    api_of, outsider, facilitator, private_space, secret_space
):
    client = api_of(outsider)
    hidden = [
        actions.start_thread(author=facilitator, space=s, title="Hush")
        for s in (private_space, secret_space)
    ]
    for thread_id in [t.pk for t in hidden] + [hidden[-1].pk + 1000]:
        for suffix in ("", "/replies"):
            response = client.get(f"/threads/{thread_id}{suffix}")
            assert (response.status_code, response.json()) == (404, NOT_FOUND)
        response = client.post(f"/threads/{thread_id}/replies", {"body": "Hi"})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Reply.objects.exists() is False


# --- start, edit, delete, moderate ------------------------------------------------------


def test_start_a_thread(api_of, member, space):
    since = last_event_id()
    response = api_of(member).post(
        f"/spaces/{space.pk}/threads",
        {"title": "  Data   viz ", "body": "Share **yours**", "kind": "question"},
    )
    assert response.status_code == 201
    thread = Thread.objects.get()
    assert response.json() == thread_json(thread)
    assert (thread.title, thread.body_html, thread.kind, thread.author_id) == (
        "Data viz",
        "<p>Share <strong>yours</strong></p>\n",
        "question",
        member.pk,
    )
    assert [e[0] for e in events_since(since)] == ["thread.started"]


def test_learners_may_not_start_prompts(api_of, member, course):
    response = api_of(member).post(
        f"/spaces/{course.pk}/threads", {"title": "My prompt", "kind": "prompt"}
    )
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_START))
    assert Thread.objects.exists() is False


def test_facilitators_start_post_first_prompts(api_of, facilitator, course):
    response = api_of(facilitator).post(
        f"/spaces/{course.pk}/threads",
        {"title": "Mean?", "kind": "prompt", "post_first": True},
    )
    assert response.status_code == 201
    assert response.json()["post_first"] is True


def test_outsiders_may_not_start_threads(api_of, outsider, space):
    response = api_of(outsider).post(f"/spaces/{space.pk}/threads", {"title": "Hello"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_START))


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"title": ["Field required"]}),
        ({"title": "  "}, {"title": ["Give the thread a title."]}),
        ({"title": "x" * 201}, {"title": ["String should have at most 200 characters"]}),
        (
            {"title": "Hi", "body": "x" * (MAX_BODY + 1)},
            {"body": [f"String should have at most {MAX_BODY} characters"]},
        ),
        (
            {"title": "Hi", "kind": "poll"},
            {
                "kind": [
                    "Input should be 'discussion', 'question', 'prompt', 'blog', "
                    "'announcement' or 'show_and_tell'"
                ]
            },
        ),
        ({"title": "Hi", "post_first": "yes"}, {"post_first": ["Input should be a valid boolean"]}),
        ({"title": "Hi", "pinned": True}, {"pinned": ["Extra inputs are not permitted"]}),
        ({"title": "a\x00b"}, {"title": ["Null characters are not allowed."]}),
    ],
)
def test_start_thread_refuses_bad_input(api_of, member, space, body, errors):
    response = api_of(member).post(f"/spaces/{space.pk}/threads", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert Thread.objects.exists() is False


def test_the_author_edits_a_thread(api_of, member, thread):
    response = api_of(member).patch(f"/threads/{thread.pk}", {"body": "Bars, *surely*"})
    assert response.status_code == 200
    assert response.json() == thread_json(thread)
    assert (thread.title, thread.body_html, thread.edited_at is not None) == (
        "Which plot?",
        "<p>Bars, <em>surely</em></p>\n",
        True,
    )


def test_others_may_not_edit_a_thread(api_of, facilitator, thread):
    response = api_of(facilitator).patch(f"/threads/{thread.pk}", {"title": "Mine now"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_EDIT))
    thread.refresh_from_db()
    assert thread.title == "Which plot?"


def test_edit_thread_refuses_an_empty_title(api_of, member, thread):
    response = api_of(member).patch(f"/threads/{thread.pk}", {"title": ""})
    assert (response.status_code, response.json()) == (
        422,
        invalid(title=["Give the thread a title."]),
    )


def test_delete_thread_leaves_a_tombstone(api_of, facilitator, member, thread):
    reply = actions.post_reply(author=facilitator, thread=thread, body="Lines")
    response = api_of(facilitator).delete(f"/threads/{thread.pk}")
    assert (response.status_code, response.content) == (204, b"")
    thread.refresh_from_db()
    assert (thread.is_deleted, thread.title, thread.body) == (True, "Which plot?", "")
    listed = api_of(member).get(f"/threads/{thread.pk}/replies").json()
    assert listed == page([response_json(reply)])


def test_members_may_not_delete_others_threads(api_of, outsider, facilitator, space, thread):
    response = api_of(outsider).delete(f"/threads/{thread.pk}")
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_DELETE))
    assert Thread.objects.get().is_deleted is False


def test_facilitators_pin_and_lock(api_of, facilitator, thread):
    response = api_of(facilitator).patch(
        f"/threads/{thread.pk}/moderation", {"is_pinned": True, "is_locked": True}
    )
    assert response.status_code == 200
    assert response.json() == thread_json(thread)
    assert (thread.is_pinned, thread.is_locked) == (True, True)
    response = api_of(facilitator).patch(f"/threads/{thread.pk}/moderation", {"is_locked": False})
    assert response.json() == thread_json(thread)
    assert (thread.is_pinned, thread.is_locked) == (True, False)


def test_members_may_not_moderate(api_of, member, thread):
    response = api_of(member).patch(f"/threads/{thread.pk}/moderation", {"is_pinned": True})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MODERATE))
    thread.refresh_from_db()
    assert thread.is_pinned is False


def test_moderation_refuses_null(api_of, facilitator, thread):
    response = api_of(facilitator).patch(f"/threads/{thread.pk}/moderation", {"is_pinned": None})
    assert (response.status_code, response.json()) == (
        422,
        invalid(is_pinned=["Input should be a valid boolean"]),
    )


# --- replies ---------------------------------------------------------------------------


def test_post_a_reply(api_of, facilitator, thread):
    since = last_event_id()
    response = api_of(facilitator).post(f"/threads/{thread.pk}/replies", {"body": "Use *bars*"})
    assert response.status_code == 201
    reply = Reply.objects.get()
    assert response.json() == reply_json(reply)
    assert reply.body_html == "<p>Use <em>bars</em></p>\n"
    assert [e[0] for e in events_since(since)] == ["reply.posted"]
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_comment_with_a_stance_on_a_response(api_of, facilitator, member, prompt, learner):
    response = actions.post_reply(author=member, thread=prompt, body="Yes", stance="agree")
    answer = api_of(learner).post(
        f"/threads/{prompt.pk}/replies",
        {"body": "No: outliers", "stance": "disagree", "parent_id": response.pk},
    )
    assert answer.status_code == 201
    comment = Reply.objects.get(parent=response)
    assert answer.json() == reply_json(comment)
    assert api_of(facilitator).get(f"/threads/{prompt.pk}").json()["stances"] == {
        "agree": 1,
        "disagree": 1,
        "alternative": 0,
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"body": ["Field required"]}),
        ({"body": ""}, {"body": [actions.EMPTY_BODY]}),
        ({"body": " \n "}, {"body": [actions.EMPTY_BODY]}),
        (
            {"body": "x" * (MAX_BODY + 1)},
            {"body": [f"String should have at most {MAX_BODY} characters"]},
        ),
        ({"body": "Hm", "stance": "maybe"}, {"stance": [STANCE_CHOICES]}),
        ({"body": "Hm", "stance": "agree"}, {"stance": [actions.NO_STANCE_HERE]}),
        (
            {"body": "Hm", "parent_id": 0},
            {"parent_id": ["Input should be greater than or equal to 1"]},
        ),
        ({"body": "Hm", "parent_id": "1"}, {"parent_id": ["Input should be a valid integer"]}),
        ({"body": 3}, {"body": ["Input should be a valid string"]}),
    ],
)
def test_post_reply_refuses_bad_input(api_of, member, thread, body, errors):
    response = api_of(member).post(f"/threads/{thread.pk}/replies", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert Reply.objects.exists() is False


def test_a_parent_from_another_thread_is_refused(api_of, member, space, thread):
    other = actions.start_thread(author=member, space=space, title="Other")
    elsewhere = actions.post_reply(author=member, thread=other, body="Hi")
    response = api_of(member).post(
        f"/threads/{thread.pk}/replies", {"body": "Hm", "parent_id": elsewhere.pk}
    )
    assert (response.status_code, response.json()) == (
        422,
        invalid(parent_id=[actions.WRONG_PARENT]),
    )
    assert thread.replies.exists() is False


def test_a_comment_on_a_comment_is_refused(api_of, member, facilitator, thread):
    response = actions.post_reply(author=member, thread=thread, body="One")
    comment = actions.post_reply(author=facilitator, thread=thread, body="Two", parent=response)
    answer = api_of(member).post(
        f"/threads/{thread.pk}/replies", {"body": "Three", "parent_id": comment.pk}
    )
    assert (answer.status_code, answer.json()) == (422, invalid(parent_id=[actions.WRONG_PARENT]))


def test_replying_in_a_locked_thread_is_refused(api_of, facilitator, member, thread):
    actions.moderate_thread(actor=facilitator, thread=thread, is_locked=True)
    response = api_of(member).post(f"/threads/{thread.pk}/replies", {"body": "Late"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_REPLY))
    assert Reply.objects.exists() is False


def test_outsiders_may_read_but_not_reply(api_of, outsider, thread):
    response = api_of(outsider).post(f"/threads/{thread.pk}/replies", {"body": "Hi"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_REPLY))


def test_reply_list_nests_comments_under_responses(api_of, facilitator, member, outsider, thread):
    first = actions.post_reply(author=member, thread=thread, body="First")
    second = actions.post_reply(author=facilitator, thread=thread, body="Second")
    comment = actions.post_reply(author=facilitator, thread=thread, body="Hm", parent=first)
    actions.react(user=facilitator, reply=first, kind="helpful")
    actions.endorse_reply(actor=facilitator, reply=second)
    response = api_of(facilitator).get(f"/threads/{thread.pk}/replies")
    assert response.status_code == 200
    assert response.json() == page(
        [
            response_json(first, [reply_json(comment)], mine=("helpful",)),
            response_json(second),
        ]
    )
    newest = api_of(outsider).get(f"/threads/{thread.pk}/replies", order="newest").json()
    assert [item["id"] for item in newest["items"]] == [second.pk, first.pk]
    helpful = api_of(outsider).get(f"/threads/{thread.pk}/replies", order="helpful").json()
    assert [item["id"] for item in helpful["items"]] == [first.pk, second.pk]


def test_reply_list_filters_by_stance(api_of, facilitator, member, learner, prompt):
    agree = actions.post_reply(author=member, thread=prompt, body="Yes", stance="agree")
    actions.post_reply(author=learner, thread=prompt, body="No", stance="disagree")
    response = api_of(facilitator).get(f"/threads/{prompt.pk}/replies", stance="agree")
    assert response.json() == page([response_json(agree)])


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"stance": "maybe"}, {"stance": [STANCE_CHOICES]}),
        ({"order": "random"}, {"order": ["Input should be 'oldest', 'newest' or 'helpful'"]}),
        ({"page": 0}, {"page": ["Input should be greater than or equal to 1"]}),
    ],
)
def test_reply_list_refuses_bad_parameters(api_of, member, thread, params, errors):
    response = api_of(member).get(f"/threads/{thread.pk}/replies", **params)
    assert (response.status_code, response.json()) == (422, invalid(**errors))


def test_reply_list_pages_count_responses(api_of, member, facilitator, thread):
    replies = [actions.post_reply(author=member, thread=thread, body=f"R{n}") for n in range(3)]
    actions.post_reply(author=facilitator, thread=thread, body="c", parent=replies[0])
    response = api_of(member).get(f"/threads/{thread.pk}/replies", page=2, page_size=2)
    assert response.json() == page([response_json(replies[2])], count=3, number=2, size=2)


def test_post_first_prompt_hides_replies_until_the_learner_posts(
    api_of, facilitator, member, learner, course
):
    prompt = actions.start_thread(
        author=facilitator, space=course, title="Mean?", kind="prompt", post_first=True
    )
    theirs = actions.post_reply(author=member, thread=prompt, body="Yes", stance="agree")
    client = api_of(learner)
    response = client.get(f"/threads/{prompt.pk}/replies")
    assert (response.status_code, response.json()) == (403, forbidden(POST_FIRST))
    for path in (f"/replies/{theirs.pk}/reactions", f"/replies/{theirs.pk}/reactions/thanks"):
        method = client.get if path.endswith("reactions") else client.post
        response = method(path)
        assert (response.status_code, response.json()) == (403, forbidden(POST_FIRST))
    assert Reaction.objects.exists() is False
    assert api_of(facilitator).get(f"/threads/{prompt.pk}/replies").status_code == 200
    mine = client.post(f"/threads/{prompt.pk}/replies", {"body": "No", "stance": "disagree"})
    assert mine.status_code == 201
    response = client.get(f"/threads/{prompt.pk}/replies")
    assert [item["id"] for item in response.json()["items"]] == [theirs.pk, mine.json()["id"]]


def test_reply_list_query_count_is_flat(
    api_of, facilitator, member, thread, assert_flat_query_count
):
    def grow(count: int) -> None:
        for n in range(count):
            reply = actions.post_reply(author=member, thread=thread, body=f"R{n}")
            actions.post_reply(author=facilitator, thread=thread, body="c", parent=reply)
            actions.react(user=facilitator, reply=reply, kind="helpful")

    grow(10)
    client = api_of(facilitator)
    count = assert_flat_query_count(
        lambda: client.get(f"/threads/{thread.pk}/replies", page_size=100), grow=lambda: grow(190)
    )
    # 9 before attachments; +2: the attachments of the responses, then of their comments.
    assert count == 11


def test_the_author_edits_a_reply(api_of, member, facilitator, prompt, learner):
    reply = actions.post_reply(author=learner, thread=prompt, body="Yes", stance="agree")
    response = api_of(learner).patch(
        f"/replies/{reply.pk}", {"body": "Yes, *mostly*", "stance": "alternative"}
    )
    assert response.status_code == 200
    assert response.json() == reply_json(reply)
    assert (reply.body_html, reply.stance) == ("<p>Yes, <em>mostly</em></p>\n", "alternative")
    prompt.refresh_from_db()
    assert (prompt.agree_count, prompt.alternative_count) == (0, 1)


def test_others_may_not_edit_a_reply(api_of, facilitator, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    response = api_of(facilitator).patch(f"/replies/{reply.pk}", {"body": "Ours"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_EDIT))
    reply.refresh_from_db()
    assert reply.body == "Mine"


def test_edit_reply_refuses_an_empty_body(api_of, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    response = api_of(member).patch(f"/replies/{reply.pk}", {"body": "  "})
    assert (response.status_code, response.json()) == (422, invalid(body=[actions.EMPTY_BODY]))
    reply.refresh_from_db()
    assert reply.body == "Mine"


def test_delete_reply_leaves_a_tombstone_and_its_comments(api_of, member, facilitator, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    comment = actions.post_reply(author=facilitator, thread=thread, body="Ok", parent=reply)
    response = api_of(facilitator).delete(f"/replies/{reply.pk}")
    assert (response.status_code, response.content) == (204, b"")
    listed = api_of(member).get(f"/threads/{thread.pk}/replies").json()
    assert listed == page([response_json(reply, [reply_json(comment)])])
    assert listed["items"][0]["is_deleted"] is True
    assert listed["items"][0]["body"] == ""


def test_others_may_not_delete_a_reply(api_of, outsider, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    response = api_of(outsider).delete(f"/replies/{reply.pk}")
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_DELETE))
    assert Reply.objects.get().is_deleted is False


def test_replies_of_unreadable_spaces_are_404(api_of, outsider, facilitator, private_space):
    hidden = actions.start_thread(author=facilitator, space=private_space, title="Hush")
    reply = actions.post_reply(author=facilitator, thread=hidden, body="Psst")
    client = api_of(outsider)
    for reply_id in (reply.pk, reply.pk + 1000):
        calls = [
            client.patch(f"/replies/{reply_id}", {"body": "x"}),
            client.delete(f"/replies/{reply_id}"),
            client.get(f"/replies/{reply_id}/reactions"),
            client.post(f"/replies/{reply_id}/reactions/helpful"),
            client.delete(f"/replies/{reply_id}/reactions/helpful"),
            client.post(f"/replies/{reply_id}/endorsement"),
        ]
        for response in calls:
            assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- reactions, endorsements, accepted answers -------------------------------------------


def test_react_and_unreact(api_of, facilitator, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    client = api_of(facilitator)
    response = client.post(f"/replies/{reply.pk}/reactions/insightful")
    assert response.status_code == 201
    assert response.json() == reply_json(reply, mine=("insightful",))
    assert reply.insightful_count == 1
    response = client.delete(f"/replies/{reply.pk}/reactions/insightful")
    assert (response.status_code, response.json()) == (200, reply_json(reply))
    assert reply.insightful_count == 0


def test_reacting_twice_is_refused(api_of, facilitator, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    client = api_of(facilitator)
    client.post(f"/replies/{reply.pk}/reactions/thanks")
    response = client.post(f"/replies/{reply.pk}/reactions/thanks")
    assert (response.status_code, response.json()) == (
        422,
        invalid(kind=[actions.ALREADY_REACTED]),
    )
    reply.refresh_from_db()
    assert (reply.thanks_count, Reaction.objects.count()) == (1, 1)


def test_reacting_to_my_own_reply_is_refused(api_of, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    response = api_of(member).post(f"/replies/{reply.pk}/reactions/helpful")
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_REACT))


def test_an_unknown_reaction_is_refused(api_of, facilitator, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    response = api_of(facilitator).post(f"/replies/{reply.pk}/reactions/love")
    assert (response.status_code, response.json()) == (
        422,
        invalid(kind=["Input should be 'helpful', 'insightful' or 'thanks'"]),
    )


def test_who_reacted(api_of, facilitator, member, outsider, thread, space):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    actions.react(user=facilitator, reply=reply, kind="thanks")
    actions.react(user=facilitator, reply=reply, kind="helpful")
    response = api_of(outsider).get(f"/replies/{reply.pk}/reactions")
    reactions = {r.kind: r for r in Reaction.objects.all()}
    assert response.json() == page(
        [
            {
                "user_id": facilitator.pk,
                "name": "Fay Facilitator",
                "kind": kind,
                "created_at": iso(reactions[kind].created_at),
            }
            for kind in ("helpful", "thanks")
        ],
        size=50,
    )


def test_who_reacted_query_count_is_flat(
    api_of, facilitator, member, space, thread, assert_flat_query_count
):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")

    def grow():
        for _ in range(5):
            person = UserFactory()
            add_member(space, person)
            actions.react(user=person, reply=reply, kind="thanks")

    grow()
    client = api_of(member)
    assert_flat_query_count(lambda: client.get(f"/replies/{reply.pk}/reactions"), grow=grow)


def test_facilitators_endorse_and_unendorse(api_of, facilitator, member, thread):
    reply = actions.post_reply(author=member, thread=thread, body="Mine")
    client = api_of(facilitator)
    response = client.post(f"/replies/{reply.pk}/endorsement")
    assert response.status_code == 201
    assert response.json() == reply_json(reply)
    assert (reply.endorsed_by_id, response.json()["is_endorsed"]) == (facilitator.pk, True)
    response = client.delete(f"/replies/{reply.pk}/endorsement")
    assert (response.status_code, response.json()) == (200, reply_json(reply))
    assert reply.endorsed_at is None


def test_members_may_not_endorse(api_of, member, facilitator, thread):
    reply = actions.post_reply(author=facilitator, thread=thread, body="Mine")
    response = api_of(member).post(f"/replies/{reply.pk}/endorsement")
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MODERATE))
    reply.refresh_from_db()
    assert reply.endorsed_at is None


def test_the_asker_accepts_and_clears_an_answer(api_of, facilitator, member, question):
    reply = actions.post_reply(author=facilitator, thread=question, body="Sturges")
    client = api_of(member)
    response = client.put(f"/threads/{question.pk}/accepted-answer", {"reply_id": reply.pk})
    assert response.status_code == 200
    assert response.json() == thread_json(question)
    assert question.accepted_reply_id == reply.pk
    listed = client.get(f"/threads/{question.pk}/replies").json()
    assert listed == page([response_json(reply, accepted=True)])
    response = client.put(f"/threads/{question.pk}/accepted-answer", {"reply_id": None})
    assert response.json() == thread_json(question)
    assert question.accepted_reply_id is None


def test_others_may_not_accept_an_answer(api_of, outsider, facilitator, question):
    reply = actions.post_reply(author=facilitator, thread=question, body="Sturges")
    response = api_of(outsider).put(
        f"/threads/{question.pk}/accepted-answer", {"reply_id": reply.pk}
    )
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_ACCEPT))
    question.refresh_from_db()
    assert question.accepted_reply_id is None


def test_accepting_a_reply_of_another_thread_is_refused(
    api_of, facilitator, member, thread, question
):
    elsewhere = actions.post_reply(author=facilitator, thread=thread, body="Lines")
    response = api_of(member).put(
        f"/threads/{question.pk}/accepted-answer", {"reply_id": elsewhere.pk}
    )
    assert (response.status_code, response.json()) == (422, invalid(reply_id=[NOT_A_REPLY]))


def test_accepting_needs_a_reply_id(api_of, member, question):
    response = api_of(member).put(f"/threads/{question.pk}/accepted-answer", {})
    assert (response.status_code, response.json()) == (
        422,
        invalid(reply_id=["Field required"]),
    )


def test_accepting_a_deleted_reply_is_refused(api_of, facilitator, member, question):
    reply = actions.post_reply(author=facilitator, thread=question, body="Sturges")
    actions.delete_reply(actor=facilitator, reply=reply)
    response = api_of(member).put(f"/threads/{question.pk}/accepted-answer", {"reply_id": reply.pk})
    assert (response.status_code, response.json()) == (
        422,
        invalid(reply_id=["Choose a reply of this question."]),
    )
    question.refresh_from_db()
    assert question.accepted_reply_id is None


def test_posting_a_reply_query_count_is_flat(
    api_of, facilitator, member, thread, assert_flat_query_count
):
    def grow():
        for n in range(20):
            reply = actions.post_reply(author=member, thread=thread, body=f"R{n}")
            actions.react(user=facilitator, reply=reply, kind="thanks")

    client = api_of(facilitator)
    assert_flat_query_count(
        lambda: client.post(f"/threads/{thread.pk}/replies", {"body": "More"}),
        grow=grow,
        status=201,
    )


def test_thread_query_count_is_flat(api_of, facilitator, member, thread, assert_flat_query_count):
    client = api_of(member)
    assert_flat_query_count(
        lambda: client.get(f"/threads/{thread.pk}"),
        grow=lambda: [
            actions.post_reply(author=facilitator, thread=thread, body=f"R{n}") for n in range(20)
        ],
    )
