"""Read paths for discussion pages: grouping, filters, orders and who did what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from agora.discussions import actions
from agora.discussions.models import Reply, Thread
from agora.discussions.queries import (
    has_posted_in,
    reactions_of,
    reactors,
    space_threads,
    thread_replies,
    unanswered_questions,
)
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(space):
    person = UserFactory(name="Lou Learner")
    add_member(space, person)
    return person


@pytest.fixture
def prompt(space, facilitator) -> Thread:
    return actions.start_thread(author=facilitator, space=space, kind="prompt", title="Mean?")


@pytest.fixture
def conversation(prompt, member, learner, facilitator) -> dict[str, Reply]:
    """Three responses (one deleted) with comments, posted in this order."""
    post = actions.post_reply
    first = post(author=member, thread=prompt, body="Mean.", stance="agree")
    second = post(author=learner, thread=prompt, body="Median.", stance="disagree")
    on_first = post(author=learner, thread=prompt, body="Why?", parent=first, stance="disagree")
    third = post(author=facilitator, thread=prompt, body="Mode!", stance="alternative")
    on_second = post(author=member, thread=prompt, body="Yes.", parent=second)
    also_on_first = post(author=facilitator, thread=prompt, body="Skew.", parent=first)
    actions.delete_reply(actor=learner, reply=second)
    actions.react(user=learner, reply=third, kind="helpful")
    actions.react(user=member, reply=third, kind="helpful")
    actions.react(user=learner, reply=first, kind="helpful")
    return {
        "first": first,
        "second": second,
        "third": third,
        "on_first": on_first,
        "also_on_first": also_on_first,
        "on_second": on_second,
    }


def shape(responses) -> list[tuple[int, list[int]]]:
    return [(item.reply.pk, [comment.pk for comment in item.comments]) for item in responses]


def test_thread_replies_groups_comments_under_their_response_and_keeps_tombstones(
    prompt, conversation
):
    c = {name: reply.pk for name, reply in conversation.items()}
    responses = thread_replies(thread=prompt)
    assert shape(responses) == [
        (c["first"], [c["on_first"], c["also_on_first"]]),
        (c["second"], [c["on_second"]]),
        (c["third"], []),
    ]
    assert responses[1].reply.is_deleted is True
    assert responses[1].reply.body_html == ""


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("oldest", ["first", "second", "third"]),
        ("newest", ["third", "second", "first"]),
        ("helpful", ["third", "first", "second"]),
        ("nonsense", ["first", "second", "third"]),
    ],
)
def test_thread_replies_orders(prompt, conversation, order, expected):
    responses = thread_replies(thread=prompt, order=order)
    assert [item.reply.pk for item in responses] == [conversation[name].pk for name in expected]
    # Comments always read oldest first.
    comments = {item.reply.pk: [c.pk for c in item.comments] for item in responses}
    assert comments[conversation["first"].pk] == [
        conversation["on_first"].pk,
        conversation["also_on_first"].pk,
    ]


@pytest.mark.parametrize(
    ("stance", "expected"),
    [
        ("agree", [("first", ["on_first", "also_on_first"])]),
        ("disagree", [("second", ["on_second"])]),
        ("alternative", [("third", [])]),
        ("", [("first", ["on_first", "also_on_first"]), ("second", ["on_second"]),
              ("third", [])]),
        ("maybe", [("first", ["on_first", "also_on_first"]), ("second", ["on_second"]),
                   ("third", [])]),
    ],
)  # fmt: skip
def test_thread_replies_stance_filter_keeps_responses_with_their_comments(
    prompt, conversation, stance, expected
):
    c = {name: reply.pk for name, reply in conversation.items()}
    assert shape(thread_replies(thread=prompt, stance=stance)) == [
        (c[response], [c[comment] for comment in comments]) for response, comments in expected
    ]


def test_thread_replies_runs_one_query(prompt, conversation, django_assert_num_queries):
    with django_assert_num_queries(1):
        responses = thread_replies(thread=prompt)
        people = [(item.reply.author.name, item.reply.author.photo_url) for item in responses]
    assert len(people) == 3


def test_space_threads_puts_pinned_first_then_recent_activity(space, member, facilitator):
    now = timezone.now()
    old = actions.start_thread(author=member, space=space, title="Old")
    new = actions.start_thread(author=member, space=space, title="New")
    pinned = actions.start_thread(author=member, space=space, title="Pinned")
    question = actions.start_thread(author=member, space=space, kind="question", title="Q")
    for thread, age in ((old, 4), (new, 1), (pinned, 9), (question, 2)):
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=now - timedelta(days=age))
    actions.moderate_thread(actor=facilitator, thread=pinned, is_pinned=True)
    assert [t.title for t in space_threads(space=space)] == ["Pinned", "New", "Q", "Old"]
    assert [t.title for t in space_threads(space=space, kind="question")] == ["Q"]
    assert [t.title for t in space_threads(space=space, kind="poll")] == [
        "Pinned",
        "New",
        "Q",
        "Old",
    ]


def test_unanswered_questions_are_open_live_questions_oldest_first(space, member, learner):
    ask = actions.start_thread
    first = ask(author=member, space=space, kind="question", title="First?")
    answered = ask(author=member, space=space, kind="question", title="Answered?")
    deleted = ask(author=member, space=space, kind="question", title="Deleted?")
    ask(author=member, space=space, kind="discussion", title="Not a question")
    last = ask(author=learner, space=space, kind="question", title="Last?")
    answer = actions.post_reply(author=learner, thread=answered, body="Yes.")
    actions.accept_answer(actor=member, thread=answered, reply=answer)
    actions.delete_thread(actor=member, thread=deleted)
    assert list(unanswered_questions(space=space)) == [first, last]


def test_has_posted_in_counts_live_replies_only(prompt, learner):
    assert has_posted_in(user=learner, thread=prompt) is False
    reply = actions.post_reply(author=learner, thread=prompt, body="Mine.")
    assert has_posted_in(user=learner, thread=prompt) is True
    actions.delete_reply(actor=learner, reply=reply)
    assert has_posted_in(user=learner, thread=prompt) is False


def test_has_posted_in_ignores_comments(prompt, learner):
    """Only one's own response unlocks a post-first prompt, not a comment."""
    response = actions.post_reply(author=learner, thread=prompt, body="Mine.")
    actions.post_reply(author=learner, thread=prompt, body="And a note.", parent=response)
    actions.delete_reply(actor=learner, reply=response)
    assert has_posted_in(user=learner, thread=prompt) is False


def test_reactions_of_and_reactors(prompt, conversation, learner, member):
    third, first = conversation["third"], conversation["first"]
    actions.react(user=learner, reply=third, kind="thanks")
    assert reactions_of(viewer=learner, thread=prompt) == {
        (third.pk, "helpful"),
        (third.pk, "thanks"),
        (first.pk, "helpful"),
    }
    assert reactions_of(viewer=member, thread=prompt) == {(third.pk, "helpful")}
    assert reactions_of(viewer=AnonymousUser(), thread=prompt) == set()
    assert [(r.user.name, r.kind) for r in reactors(reply=third)] == [
        ("Lou Learner", "helpful"),
        ("Mia Member", "helpful"),
        ("Lou Learner", "thanks"),
    ]
