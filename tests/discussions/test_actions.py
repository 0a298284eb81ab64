"""Every write to threads, replies and reactions.

Each action is checked for its happy path (the exact rows, the counters and
the exact event), each refusal (PermissionDenied, and nothing changed: no
rows, no events, counters as they were) and each validation error (with its
field): empty, blank and huge bodies, long titles, NUL characters, wrong
stances, wrong parents, reacting twice. Markdown is rendered and sanitized
when written.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q

from agora.accounts.models import User
from agora.core.models import Event
from agora.discussions import actions
from agora.discussions.models import Reaction, Reply, Thread
from agora.spaces.models import Membership, Space
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

AGREE, DISAGREE, ALTERNATIVE = (
    Reply.Stance.AGREE,
    Reply.Stance.DISAGREE,
    Reply.Stance.ALTERNATIVE,
)


# --- helpers -----------------------------------------------------------------


def state() -> dict[str, Any]:
    """Everything the discussion actions may write, to prove a refusal changed nothing."""
    return {
        "threads": sorted(
            Thread.objects.values_list(
                "pk",
                "kind",
                "title",
                "body",
                "body_html",
                "is_pinned",
                "is_locked",
                "post_first",
                "is_deleted",
                "accepted_reply_id",
                "edited_at",
                "last_activity_at",
                "reply_count",
                "agree_count",
                "disagree_count",
                "alternative_count",
            )
        ),
        "replies": sorted(
            Reply.objects.values_list(
                "pk",
                "thread_id",
                "parent_id",
                "author_id",
                "body",
                "body_html",
                "stance",
                "is_deleted",
                "endorsed_by_id",
                "endorsed_at",
                "edited_at",
                "helpful_count",
                "insightful_count",
                "thanks_count",
            )
        ),
        "reactions": sorted(Reaction.objects.values_list("reply_id", "user_id", "kind")),
        "events": Event.objects.count(),
    }


def snapshot(thread: Thread) -> dict[str, Any]:
    return {
        "space_name": thread.space.name,
        "space_slug": thread.space.slug,
        "thread_id": thread.pk,
        "thread_title": thread.title,
        "kind": thread.kind,
    }


def counters(thread: Thread) -> tuple[int, int, int, int]:
    """(replies, agree, disagree, alternative) as stored."""
    return tuple(
        Thread.objects.filter(pk=thread.pk).values_list(
            "reply_count", "agree_count", "disagree_count", "alternative_count"
        )[0]
    )


def reaction_counts(reply: Reply) -> tuple[int, int, int]:
    """(helpful, insightful, thanks) as stored."""
    return tuple(
        Reply.objects.filter(pk=reply.pk).values_list(
            "helpful_count", "insightful_count", "thanks_count"
        )[0]
    )


def fresh(user: User) -> User:
    """The same person without cached space roles."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def learner(space) -> User:
    """A second member of the space, besides `member`."""
    person = UserFactory(name="Lou Learner")
    add_member(space, person)
    return person


@pytest.fixture
def discussion(space, member) -> Thread:
    return actions.start_thread(author=member, space=space, title="Which chart?", body="Hm.")


@pytest.fixture
def prompt(space, facilitator) -> Thread:
    return actions.start_thread(
        author=facilitator,
        space=space,
        kind=Thread.Kind.PROMPT,
        title="Is the mean enough?",
        body="Say why.",
    )


@pytest.fixture
def question(space, member) -> Thread:
    return actions.start_thread(
        author=member, space=space, kind=Thread.Kind.QUESTION, title="How do I bin ages?"
    )


# --- start_thread ----------------------------------------------------------------


def test_start_thread_saves_rendered_body_and_records_the_event(space, member):
    before = last_event_id()
    thread = actions.start_thread(
        author=member,
        space=space,
        title="  Reading   a chart ",
        body="Look at the *axis* first.\x00",
        kind=Thread.Kind.QUESTION,
    )
    thread.refresh_from_db()
    assert (
        thread.space_id,
        thread.author_id,
        thread.kind,
        thread.title,
        thread.body,
        thread.body_html,
        thread.post_first,
        thread.reply_count,
    ) == (
        space.pk,
        member.pk,
        "question",
        "Reading a chart",
        "Look at the *axis* first.",
        "<p>Look at the <em>axis</em> first.</p>\n",
        False,
        0,
    )
    assert events_since(before) == [
        (
            "thread.started",
            member.pk,
            space.pk,
            "thread",
            thread.pk,
            {
                "skills": [],
                "space_name": "Data Club",
                "space_slug": space.slug,
                "thread_id": thread.pk,
                "thread_title": "Reading a chart",
                "kind": "question",
            },
        )
    ]


def test_post_first_is_kept_only_on_prompts(space, facilitator):
    prompt = actions.start_thread(
        author=facilitator, space=space, kind="prompt", title="P", post_first=True
    )
    plain = actions.start_thread(
        author=facilitator, space=space, kind="discussion", title="D", post_first=True
    )
    assert (prompt.post_first, plain.post_first) == (True, False)


@pytest.mark.parametrize("kind", ["prompt", "blog", "announcement"])
def test_start_thread_of_a_managers_kind_is_refused_to_a_member(space, member, kind):
    before = state()
    with pytest.raises(PermissionDenied, match="may not start this kind"):
        actions.start_thread(author=member, space=space, kind=kind, title="Mine")
    assert state() == before


def test_start_thread_is_refused_to_an_outsider_and_in_an_archived_space(
    space, outsider, facilitator
):
    before = state()
    with pytest.raises(PermissionDenied):
        actions.start_thread(author=outsider, space=space, title="Hello")
    Space.objects.filter(pk=space.pk).update(status=Space.Status.ARCHIVED)
    space.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.start_thread(author=fresh(facilitator), space=space, title="Hello")
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": ""}, {"title": ["Give the thread a title."]}),
        ({"title": " \t\n "}, {"title": ["Give the thread a title."]}),
        ({"title": "x" * 201}, {"title": ["Keep the title under 200 characters."]}),
        ({"title": "T", "body": "x" * 20_001}, {"body": ["Keep it under 20000 characters."]}),
        ({"title": "T", "kind": "poll"}, {"kind": ["Choose a kind of thread."]}),
    ],
)
def test_start_thread_validation(space, member, fields, errors):
    before = state()
    with pytest.raises(ValidationError) as caught:
        actions.start_thread(author=member, space=space, **fields)
    assert caught.value.message_dict == errors
    assert state() == before


def test_start_thread_accepts_a_title_of_200_and_a_body_of_20000_characters(space, member):
    thread = actions.start_thread(author=member, space=space, title="t" * 200, body="b" * 20_000)
    thread.refresh_from_db()
    assert (len(thread.title), len(thread.body)) == (200, 20_000)


def test_nul_characters_are_stripped_from_titles_and_bodies(space, member, discussion):
    thread = actions.start_thread(author=member, space=space, title="A\x00B", body="C\x00D")
    reply = actions.post_reply(author=fresh(member), thread=discussion, body="E\x00F")
    thread.refresh_from_db()
    reply.refresh_from_db()
    assert (thread.title, thread.body, reply.body) == ("AB", "CD", "EF")


def test_markdown_is_sanitized_when_saved(space, member, discussion):
    body = '<script>alert("x")</script> [click](javascript:alert(1)) **bold**'
    thread = actions.start_thread(author=member, space=space, title="XSS", body=body)
    reply = actions.post_reply(author=member, thread=discussion, body=body)
    for html in (thread.body_html, reply.body_html):
        assert "<script" not in html
        assert 'href="javascript' not in html
        assert "<strong>bold</strong>" in html
        assert "&lt;script&gt;" in html
    # The source is kept as typed, so an edit starts from it.
    assert reply.body == body


# --- edit_thread, moderate_thread, delete_thread -------------------------------------


def test_edit_thread_changes_title_and_body_and_records_it(discussion, member):
    before = last_event_id()
    actions.edit_thread(editor=member, thread=discussion, title="Which chart, really?", body="_x_")
    discussion.refresh_from_db()
    assert (discussion.title, discussion.body, discussion.body_html) == (
        "Which chart, really?",
        "_x_",
        "<p><em>x</em></p>\n",
    )
    assert discussion.edited_at is not None
    assert events_since(before) == [
        ("thread.edited", member.pk, discussion.space_id, "thread", discussion.pk,
         {"skills": [], **snapshot(discussion)}),
    ]  # fmt: skip


def test_edit_thread_is_refused_to_anyone_but_its_author(discussion, facilitator, learner):
    before = state()
    for person in (facilitator, learner):
        with pytest.raises(PermissionDenied, match="Only the author"):
            actions.edit_thread(editor=person, thread=discussion, title="Mine", body="")
    assert state() == before


def test_edit_thread_validation_keeps_the_thread(discussion, member):
    before = state()
    with pytest.raises(ValidationError) as caught:
        actions.edit_thread(editor=member, thread=discussion, title="", body="x" * 20_001)
    assert caught.value.message_dict == {"body": ["Keep it under 20000 characters."]}
    with pytest.raises(ValidationError) as caught:
        actions.edit_thread(editor=member, thread=discussion, title=" ", body="")
    assert caught.value.message_dict == {"title": ["Give the thread a title."]}
    assert state() == before


def test_moderate_thread_pins_and_locks_and_records_only_changes(discussion, facilitator):
    before = last_event_id()
    actions.moderate_thread(actor=facilitator, thread=discussion, is_pinned=True, is_locked=True)
    actions.moderate_thread(actor=facilitator, thread=discussion, is_pinned=True)  # no change
    actions.moderate_thread(actor=facilitator, thread=discussion, is_locked=False)
    discussion.refresh_from_db()
    assert (discussion.is_pinned, discussion.is_locked) == (True, False)
    data = snapshot(discussion)
    assert events_since(before) == [
        ("thread.moderated", facilitator.pk, discussion.space_id, "thread", discussion.pk,
         {"is_pinned": True, "is_locked": True, **data}),
        ("thread.moderated", facilitator.pk, discussion.space_id, "thread", discussion.pk,
         {"is_locked": False, **data}),
    ]  # fmt: skip


def test_moderate_thread_is_refused_to_members(discussion, member, learner):
    before = state()
    for person in (member, learner):
        with pytest.raises(PermissionDenied, match="facilitators"):
            actions.moderate_thread(actor=person, thread=discussion, is_pinned=True)
    assert state() == before


def test_delete_thread_leaves_a_tombstone_and_keeps_replies(discussion, member, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bar chart.")
    before = last_event_id()
    actions.delete_thread(actor=member, thread=discussion)
    discussion.refresh_from_db()
    assert (discussion.is_deleted, discussion.title, discussion.body, discussion.body_html) == (
        True,
        "Which chart?",
        "",
        "",
    )
    assert list(discussion.replies.values_list("pk", "body")) == [(reply.pk, "Bar chart.")]
    assert counters(discussion) == (1, 0, 0, 0)
    assert events_since(before) == [
        ("thread.deleted", member.pk, discussion.space_id, "thread", discussion.pk,
         snapshot(discussion)),
    ]  # fmt: skip


def test_delete_thread_by_a_facilitator_and_refused_to_another_member(
    discussion, facilitator, learner
):
    before = state()
    with pytest.raises(PermissionDenied, match="author or a facilitator"):
        actions.delete_thread(actor=learner, thread=discussion)
    assert state() == before
    actions.delete_thread(actor=facilitator, thread=discussion)
    assert Thread.objects.get(pk=discussion.pk).is_deleted is True
    with pytest.raises(PermissionDenied):
        actions.delete_thread(actor=facilitator, thread=discussion)  # already a tombstone


def test_deleting_a_thread_from_a_stale_copy_records_nothing_more(discussion, member, facilitator):
    stale = Thread.objects.get(pk=discussion.pk)
    actions.delete_thread(actor=member, thread=discussion)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.delete_thread(actor=facilitator, thread=stale)
    assert state() == before


# --- post_reply ---------------------------------------------------------------------


def test_post_reply_saves_the_reply_counts_it_and_records_the_event(prompt, learner, facilitator):
    before = last_event_id()
    reply = actions.post_reply(author=learner, thread=prompt, body="The *median*.", stance=AGREE)
    reply.refresh_from_db()
    assert (
        reply.thread_id,
        reply.parent_id,
        reply.author_id,
        reply.body,
        reply.body_html,
        reply.stance,
        reply.is_deleted,
    ) == (prompt.pk, None, learner.pk, "The *median*.", "<p>The <em>median</em>.</p>\n", "agree",
          False)  # fmt: skip
    assert counters(prompt) == (1, 1, 0, 0)
    assert Thread.objects.get(pk=prompt.pk).last_activity_at == reply.created_at
    assert events_since(before) == [
        (
            "reply.posted",
            learner.pk,
            prompt.space_id,
            "reply",
            reply.pk,
            {
                "reply_id": reply.pk,
                "parent_id": None,
                "parent_author_id": None,
                "thread_author_id": facilitator.pk,
                "stance": "agree",
                **snapshot(prompt),
            },
        )
    ]


def test_comments_count_and_carry_their_stance(prompt, member, learner, facilitator):
    response = actions.post_reply(author=member, thread=prompt, body="Mean.", stance=AGREE)
    before = last_event_id()
    first = actions.post_reply(
        author=learner, thread=prompt, body="Outliers!", stance=DISAGREE, parent=response
    )
    actions.post_reply(
        author=facilitator, thread=prompt, body="Try a trimmed mean.", stance=ALTERNATIVE,
        parent=response,
    )  # fmt: skip
    actions.post_reply(author=learner, thread=prompt, body="Fair.", parent=response)
    assert counters(prompt) == (4, 1, 1, 1)
    verb, actor, _space, _model, target, data = events_since(before)[0]
    assert (verb, actor, target, data["parent_id"], data["parent_author_id"], data["stance"]) == (
        "reply.posted",
        learner.pk,
        first.pk,
        response.pk,
        member.pk,
        "disagree",
    )


def test_a_stance_on_a_plain_discussion_response_is_refused_but_allowed_on_a_comment(
    discussion, member, learner
):
    before = state()
    with pytest.raises(ValidationError) as caught:
        actions.post_reply(author=learner, thread=discussion, body="Yes", stance=AGREE)
    assert caught.value.message_dict == {
        "stance": ["A stance can be taken on a lesson prompt or on another reply only."]
    }
    assert state() == before
    response = actions.post_reply(author=learner, thread=discussion, body="Line chart.")
    comment = actions.post_reply(
        author=member, thread=discussion, body="No: bars.", stance=DISAGREE, parent=response
    )
    assert (comment.stance, counters(discussion)) == ("disagree", (2, 0, 1, 0))


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"body": ""}, {"body": ["Write something first."]}),
        ({"body": "  \n\t "}, {"body": ["Write something first."]}),
        ({"body": "\x00\x00"}, {"body": ["Write something first."]}),
        ({"body": "x" * 20_001}, {"body": ["Keep it under 20000 characters."]}),
        ({"body": "Hi", "stance": "maybe"},
         {"stance": ["Choose agree, disagree or an alternative view."]}),
        ({"body": "Hi", "stance": None},
         {"stance": ["Choose agree, disagree or an alternative view."]}),
    ],
)  # fmt: skip
def test_post_reply_validation_changes_nothing(prompt, learner, fields, errors):
    before = state()
    with pytest.raises(ValidationError) as caught:
        actions.post_reply(author=learner, thread=prompt, **fields)
    assert caught.value.message_dict == errors
    assert state() == before


def test_a_parent_must_be_a_response_of_the_same_thread(prompt, discussion, member, learner):
    response = actions.post_reply(author=member, thread=prompt, body="A response")
    comment = actions.post_reply(author=learner, thread=prompt, body="A comment", parent=response)
    elsewhere = actions.post_reply(author=learner, thread=discussion, body="Elsewhere")
    before = state()
    for parent in (comment, elsewhere):
        with pytest.raises(ValidationError) as caught:
            actions.post_reply(author=learner, thread=prompt, body="Deeper", parent=parent)
        assert caught.value.message_dict == {"parent": ["Comment on a response of this thread."]}
    assert state() == before


def test_post_reply_in_a_locked_thread_is_refused_to_members_not_facilitators(
    discussion, facilitator, learner
):
    actions.moderate_thread(actor=facilitator, thread=discussion, is_locked=True)
    before = state()
    with pytest.raises(PermissionDenied, match="locked"):
        actions.post_reply(author=learner, thread=discussion, body="Still me")
    assert state() == before
    actions.post_reply(author=facilitator, thread=discussion, body="Closing note.")
    assert counters(discussion) == (1, 0, 0, 0)


def test_post_reply_is_refused_to_outsiders_and_in_deleted_threads(discussion, outsider, member):
    before = state()
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=outsider, thread=discussion, body="Me too")
    assert state() == before
    actions.delete_thread(actor=member, thread=discussion)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=member, thread=discussion, body="Me too")
    assert state() == before


def test_in_a_post_first_prompt_a_learner_responds_before_commenting(
    space, facilitator, member, learner
):
    prompt = actions.start_thread(
        author=facilitator, space=space, kind="prompt", title="Your chart?", post_first=True
    )
    response = actions.post_reply(author=member, thread=prompt, body="My chart.")
    before = state()
    with pytest.raises(PermissionDenied, match="Post your own response first"):
        actions.post_reply(author=learner, thread=prompt, body="Nice!", parent=response)
    assert state() == before
    # The facilitator sees every reply already, and comments at once.
    actions.post_reply(author=facilitator, thread=prompt, body="Good one.", parent=response)
    own = actions.post_reply(author=learner, thread=prompt, body="Mine.")
    actions.post_reply(author=learner, thread=prompt, body="Nice!", parent=response)
    # A deleted response does not count as having responded.
    actions.delete_reply(actor=learner, reply=own)
    with pytest.raises(PermissionDenied):
        actions.post_reply(author=fresh(learner), thread=prompt, body="Again", parent=response)
    assert counters(prompt) == (3, 0, 0, 0)


def test_in_a_post_first_prompt_a_learner_reacts_only_after_responding(
    space, facilitator, member, learner
):
    prompt = actions.start_thread(
        author=facilitator, space=space, kind="prompt", title="Your chart?", post_first=True
    )
    response = actions.post_reply(author=member, thread=prompt, body="My chart.")
    before = state()
    with pytest.raises(PermissionDenied, match="cannot react"):
        actions.react(user=learner, reply=response, kind="insightful")
    assert state() == before
    actions.post_reply(author=learner, thread=prompt, body="Mine.")
    actions.react(user=learner, reply=response, kind="insightful")
    actions.react(user=facilitator, reply=response, kind="helpful")
    assert reaction_counts(response) == (1, 1, 0)


def test_in_an_ordinary_prompt_anyone_comments_at_once(prompt, member, learner):
    response = actions.post_reply(author=member, thread=prompt, body="Mean.")
    comment = actions.post_reply(author=learner, thread=prompt, body="Hm.", parent=response)
    assert comment.parent_id == response.pk


# --- edit_reply, delete_reply ------------------------------------------------------


def test_edit_reply_changing_the_stance_moves_the_counters(prompt, learner):
    reply = actions.post_reply(author=learner, thread=prompt, body="Mean.", stance=AGREE)
    before = last_event_id()
    actions.edit_reply(editor=learner, reply=reply, body="Median, *really*.", stance=DISAGREE)
    assert counters(prompt) == (1, 0, 1, 0)
    reply.refresh_from_db()
    assert (reply.body, reply.body_html, reply.stance) == (
        "Median, *really*.",
        "<p>Median, <em>really</em>.</p>\n",
        "disagree",
    )
    assert reply.edited_at is not None
    assert events_since(before) == [
        ("reply.edited", learner.pk, prompt.space_id, "reply", reply.pk,
         {"reply_id": reply.pk, "stance": "disagree", **snapshot(prompt)}),
    ]  # fmt: skip
    actions.edit_reply(editor=learner, reply=reply, body="No view.", stance="")
    assert counters(prompt) == (1, 0, 0, 0)
    actions.edit_reply(editor=learner, reply=reply, body="Alt.", stance=ALTERNATIVE)
    actions.edit_reply(editor=learner, reply=reply, body="Alt, still.")  # stance kept
    assert counters(prompt) == (1, 0, 0, 1)
    assert Reply.objects.get(pk=reply.pk).stance == "alternative"


def test_edit_reply_refusals_and_validation_change_nothing(discussion, learner, facilitator):
    reply = actions.post_reply(author=learner, thread=discussion, body="Line chart.")
    before = state()
    with pytest.raises(PermissionDenied, match="Only the author"):
        actions.edit_reply(editor=facilitator, reply=reply, body="Bars.")
    for fields, errors in (
        ({"body": " "}, {"body": ["Write something first."]}),
        ({"body": "x" * 20_001}, {"body": ["Keep it under 20000 characters."]}),
        ({"body": "Hi", "stance": "maybe"},
         {"stance": ["Choose agree, disagree or an alternative view."]}),
        ({"body": "Hi", "stance": AGREE},
         {"stance": ["A stance can be taken on a lesson prompt or on another reply only."]}),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            actions.edit_reply(editor=learner, reply=reply, **fields)
        assert caught.value.message_dict == errors
    assert state() == before


def test_delete_reply_leaves_a_tombstone_and_keeps_its_comments(prompt, member, learner):
    response = actions.post_reply(author=member, thread=prompt, body="Mean.", stance=AGREE)
    comment = actions.post_reply(
        author=learner, thread=prompt, body="No.", stance=DISAGREE, parent=response
    )
    before = last_event_id()
    actions.delete_reply(actor=member, reply=response)
    response.refresh_from_db()
    assert (response.is_deleted, response.body, response.body_html, response.stance) == (
        True,
        "",
        "",
        "agree",
    )
    assert Reply.objects.get(pk=comment.pk).body == "No."
    assert counters(prompt) == (1, 0, 1, 0)
    assert events_since(before) == [
        ("reply.deleted", member.pk, prompt.space_id, "reply", response.pk,
         {"reply_id": response.pk, **snapshot(prompt)}),
    ]  # fmt: skip
    before = state()
    with pytest.raises(PermissionDenied):
        actions.delete_reply(actor=member, reply=response)  # a tombstone stays one
    with pytest.raises(PermissionDenied):
        actions.edit_reply(editor=member, reply=response, body="Back")
    assert state() == before


def test_delete_reply_clears_the_accepted_answer(question, member, learner):
    answer = actions.post_reply(author=learner, thread=question, body="Use decades.")
    actions.accept_answer(actor=member, thread=question, reply=answer)
    actions.delete_reply(actor=learner, reply=answer)
    question.refresh_from_db()
    assert (question.accepted_reply_id, counters(question)) == (None, (0, 0, 0, 0))


def test_delete_reply_by_a_facilitator_and_refused_to_another_member(
    discussion, learner, member, facilitator
):
    reply = actions.post_reply(author=learner, thread=discussion, body="Mine.")
    before = state()
    with pytest.raises(PermissionDenied, match="author or a facilitator"):
        actions.delete_reply(actor=member, reply=reply)
    assert state() == before
    actions.delete_reply(actor=facilitator, reply=reply)
    assert (Reply.objects.get(pk=reply.pk).is_deleted, counters(discussion)) == (True, (0, 0, 0, 0))


def test_a_stale_copy_never_moves_the_counters_twice(prompt, learner, facilitator):
    reply = actions.post_reply(author=learner, thread=prompt, body="Mean.", stance=AGREE)
    actions.post_reply(author=facilitator, thread=prompt, body="Other.", stance=AGREE)
    # Two tabs (or two requests) hold the same reply.
    tab_a, tab_b = Reply.objects.get(pk=reply.pk), Reply.objects.get(pk=reply.pk)
    actions.edit_reply(editor=learner, reply=tab_a, body="Median.", stance=DISAGREE)
    actions.edit_reply(editor=learner, reply=tab_b, body="Mode.", stance=ALTERNATIVE)
    assert counters(prompt) == (2, 1, 0, 1)
    actions.delete_reply(actor=learner, reply=tab_a)
    assert counters(prompt) == (1, 1, 0, 0)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.delete_reply(actor=facilitator, reply=tab_b)
    with pytest.raises(PermissionDenied):
        actions.edit_reply(editor=learner, reply=tab_b, body="Back.")
    assert state() == before


# --- react, unreact, endorse ---------------------------------------------------------


def test_react_counts_once_per_kind_and_records_it(discussion, member, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    before = last_event_id()
    actions.react(user=member, reply=reply, kind="helpful")
    actions.react(user=member, reply=reply, kind="thanks")
    assert reaction_counts(reply) == (1, 0, 1)
    assert sorted(Reaction.objects.values_list("reply_id", "user_id", "kind")) == [
        (reply.pk, member.pk, "helpful"),
        (reply.pk, member.pk, "thanks"),
    ]
    data = {"reply_id": reply.pk, "reply_author_id": learner.pk, **snapshot(discussion)}
    assert events_since(before) == [
        ("reply.reacted", member.pk, discussion.space_id, "reply", reply.pk,
         {"reaction": "helpful", **data}),
        ("reply.reacted", member.pk, discussion.space_id, "reply", reply.pk,
         {"reaction": "thanks", **data}),
    ]  # fmt: skip


def test_reacting_twice_is_a_validation_error_and_keeps_one_row(discussion, member, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    actions.react(user=member, reply=reply, kind="insightful")
    before = state()
    with pytest.raises(ValidationError) as caught:
        actions.react(user=member, reply=reply, kind="insightful")
    assert caught.value.message_dict == {"kind": ["You already reacted this way."]}
    assert state() == before
    assert Reaction.objects.count() == 1
    assert reaction_counts(reply) == (0, 1, 0)


def test_react_refusals_change_nothing(discussion, member, learner, outsider):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    before = state()
    with pytest.raises(PermissionDenied, match="cannot react"):
        actions.react(user=learner, reply=reply, kind="helpful")  # one's own reply
    with pytest.raises(PermissionDenied):
        actions.react(user=outsider, reply=reply, kind="helpful")
    with pytest.raises(ValidationError) as caught:
        actions.react(user=member, reply=reply, kind="love")
    assert caught.value.message_dict == {"kind": ["Choose helpful, insightful or thanks."]}
    assert state() == before


def test_unreact_takes_back_one_reaction(discussion, member, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    actions.react(user=member, reply=reply, kind="helpful")
    actions.react(user=member, reply=reply, kind="thanks")
    actions.unreact(user=member, reply=reply, kind="helpful")
    actions.unreact(user=member, reply=reply, kind="helpful")  # nothing left: no-op
    actions.unreact(user=learner, reply=reply, kind="thanks")  # not theirs: no-op
    assert reaction_counts(reply) == (0, 0, 1)
    assert list(Reaction.objects.values_list("user_id", "kind")) == [(member.pk, "thanks")]


def test_endorse_reply_by_a_facilitator_records_it_once(discussion, facilitator, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    before = last_event_id()
    actions.endorse_reply(actor=facilitator, reply=reply)
    actions.endorse_reply(actor=facilitator, reply=reply)  # already endorsed: no change
    reply.refresh_from_db()
    assert reply.endorsed_by_id == facilitator.pk
    assert reply.endorsed_at is not None
    assert events_since(before) == [
        ("reply.endorsed", facilitator.pk, discussion.space_id, "reply", reply.pk,
         {"reply_id": reply.pk, "reply_author_id": learner.pk, **snapshot(discussion)}),
    ]  # fmt: skip
    actions.endorse_reply(actor=facilitator, reply=reply, endorse=False)
    reply.refresh_from_db()
    assert (reply.endorsed_by_id, reply.endorsed_at) == (None, None)


def test_endorsing_from_two_stale_copies_records_one_endorsement(discussion, facilitator, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    tab_a, tab_b = Reply.objects.get(pk=reply.pk), Reply.objects.get(pk=reply.pk)
    before = last_event_id()
    actions.endorse_reply(actor=facilitator, reply=tab_a)
    actions.endorse_reply(actor=facilitator, reply=tab_b)
    assert [event[0] for event in events_since(before)] == ["reply.endorsed"]


def test_endorse_reply_is_refused_to_members(discussion, member, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    before = state()
    with pytest.raises(PermissionDenied, match="facilitators"):
        actions.endorse_reply(actor=member, reply=reply)
    assert state() == before


# --- accept_answer --------------------------------------------------------------------


def test_the_asker_accepts_an_answer_and_it_is_recorded(question, member, learner):
    answer = actions.post_reply(author=learner, thread=question, body="Use decades.")
    before = last_event_id()
    actions.accept_answer(actor=member, thread=question, reply=answer)
    assert Thread.objects.get(pk=question.pk).accepted_reply_id == answer.pk
    assert events_since(before) == [
        ("answer.accepted", member.pk, question.space_id, "reply", answer.pk,
         {"reply_id": answer.pk, "reply_author_id": learner.pk, **snapshot(question)}),
    ]  # fmt: skip
    actions.accept_answer(actor=member, thread=question, reply=None)
    assert Thread.objects.get(pk=question.pk).accepted_reply_id is None


def test_a_facilitator_accepts_another_member_does_not(question, facilitator, learner, member):
    answer = actions.post_reply(author=member, thread=question, body="Self-answer.")
    before = state()
    with pytest.raises(PermissionDenied, match="asker or a facilitator"):
        actions.accept_answer(actor=learner, thread=question, reply=answer)
    assert state() == before
    actions.accept_answer(actor=facilitator, thread=question, reply=answer)
    assert Thread.objects.get(pk=question.pk).accepted_reply_id == answer.pk


def test_accepting_a_reply_of_another_thread_or_a_tombstone_is_refused(
    question, discussion, member, learner
):
    elsewhere = actions.post_reply(author=learner, thread=discussion, body="Elsewhere.")
    gone = actions.post_reply(author=learner, thread=question, body="Gone.")
    actions.delete_reply(actor=learner, reply=gone)
    before = state()
    for reply in (elsewhere, Reply.objects.get(pk=gone.pk)):
        with pytest.raises(ValidationError) as caught:
            actions.accept_answer(actor=member, thread=question, reply=reply)
        assert caught.value.message_dict == {"reply": ["Choose a reply of this question."]}
    assert state() == before


def test_only_questions_take_an_accepted_answer(discussion, member, learner):
    reply = actions.post_reply(author=learner, thread=discussion, body="Bars.")
    before = state()
    with pytest.raises(PermissionDenied):
        actions.accept_answer(actor=member, thread=discussion, reply=reply)
    assert state() == before


# --- archived spaces --------------------------------------------------------------


def test_an_archived_space_refuses_every_write_even_to_its_facilitator(
    space, prompt, member, learner, facilitator
):
    reply = actions.post_reply(author=learner, thread=prompt, body="Mean.", stance=AGREE)
    actions.react(user=member, reply=reply, kind="thanks")
    question = actions.start_thread(author=member, space=space, kind="question", title="Q?")
    answer = actions.post_reply(author=learner, thread=question, body="A.")
    Space.objects.filter(pk=space.pk).update(status=Space.Status.ARCHIVED)
    space.refresh_from_db()
    for thread in (prompt, question):
        thread.space = space
    reply.thread, answer.thread = prompt, question
    before = state()
    writes = [
        lambda who: actions.start_thread(author=who, space=space, title="Late"),
        lambda who: actions.post_reply(author=who, thread=prompt, body="Late"),
        lambda who: actions.edit_thread(editor=who, thread=prompt, title="New", body=""),
        lambda who: actions.moderate_thread(actor=who, thread=prompt, is_pinned=True),
        lambda who: actions.delete_thread(actor=who, thread=prompt),
        lambda who: actions.edit_reply(editor=who, reply=reply, body="Edited"),
        lambda who: actions.delete_reply(actor=who, reply=reply),
        lambda who: actions.react(user=who, reply=reply, kind="helpful"),
        lambda who: actions.unreact(user=who, reply=reply, kind="thanks"),
        lambda who: actions.endorse_reply(actor=who, reply=reply),
        lambda who: actions.accept_answer(actor=who, thread=question, reply=answer),
    ]
    for person in (facilitator, member, learner):
        for write in writes:
            with pytest.raises(PermissionDenied):
                write(fresh(person))
    assert state() == before
    assert Membership.objects.filter(space=space, user=facilitator, role="facilitator").exists()


# --- counters stay true ---------------------------------------------------------------


def assert_counters_match_rows() -> None:
    """Every stored counter equals a count of the rows, in three queries."""
    live = Q(replies__is_deleted=False)
    threads = Thread.objects.annotate(
        live=Count("replies", filter=live),
        agree=Count("replies", filter=live & Q(replies__stance=AGREE)),
        disagree=Count("replies", filter=live & Q(replies__stance=DISAGREE)),
        alternative=Count("replies", filter=live & Q(replies__stance=ALTERNATIVE)),
    )
    for t in threads:
        assert (t.reply_count, t.agree_count, t.disagree_count, t.alternative_count) == (
            t.live,
            t.agree,
            t.disagree,
            t.alternative,
        ), t.title
    assert not Thread.objects.filter(accepted_reply__is_deleted=True).exists()
    replies = Reply.objects.annotate(
        **{
            kind: Count("reactions", filter=Q(reactions__kind=kind))
            for kind in Reaction.Kind.values
        }
    )
    for r in replies:
        assert (r.helpful_count, r.insightful_count, r.thanks_count) == (
            r.helpful,
            r.insightful,
            r.thanks,
        ), r.pk


def test_counters_match_the_rows_after_any_sequence_of_actions(
    space, prompt, question, member, learner, facilitator
):
    """Two hundred seeded random actions, refusals included; counters never drift."""
    rng = random.Random(3)
    people = [member, learner, facilitator]
    stances = ["", AGREE, DISAGREE, ALTERNATIVE]
    refused = 0
    for _step in range(200):
        person = fresh(rng.choice(people))
        thread = Thread.objects.get(pk=rng.choice([prompt.pk, question.pk]))
        replies = list(Reply.objects.filter(thread=thread))
        reply = rng.choice(replies) if replies else None
        operation = rng.choice(["post", "comment", "edit", "delete", "react", "unreact", "accept"])
        try:
            if operation == "post" or reply is None:
                actions.post_reply(
                    author=person, thread=thread, body="Yes.", stance=rng.choice(stances)
                )
            elif operation == "comment":
                actions.post_reply(
                    author=person, thread=thread, body="Hm.", parent=reply,
                    stance=rng.choice(stances),
                )  # fmt: skip
            elif operation == "edit":
                actions.edit_reply(
                    editor=person, reply=reply, body="Edited.", stance=rng.choice(stances)
                )
            elif operation == "delete":
                actions.delete_reply(actor=person, reply=reply)
            elif operation == "react":
                actions.react(user=person, reply=reply, kind=rng.choice(Reaction.Kind.values))
            elif operation == "unreact":
                actions.unreact(user=person, reply=reply, kind=rng.choice(Reaction.Kind.values))
            else:
                actions.accept_answer(actor=person, thread=thread, reply=reply)
        except (PermissionDenied, ValidationError):
            refused += 1
        assert_counters_match_rows()
    # The sequence exercised both outcomes.
    assert 20 < refused < 180
    assert Reply.objects.filter(is_deleted=True).exists()
    assert Reaction.objects.exists()


def test_replies_of_a_deleted_thread_take_no_reactions_or_endorsements(
    discussion, member, learner, facilitator
):
    reply = actions.post_reply(author=learner, thread=discussion, body="Still here.")
    actions.delete_thread(actor=member, thread=discussion)
    reply.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.react(user=member, reply=reply, kind="helpful")
    with pytest.raises(PermissionDenied):
        actions.endorse_reply(actor=facilitator, reply=reply)
    reply.refresh_from_db()
    assert (reply.helpful_count, reply.endorsed_at) == (0, None)
    assert reply.reactions.exists() is False
