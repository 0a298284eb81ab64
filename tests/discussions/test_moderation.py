"""Flags, the review queue, hiding and restoring posts, the moderation log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agora.discussions import actions
from agora.discussions.models import Flag, Reply, Thread
from agora.spaces.models import Membership, Space
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member, make_space
from tests.pages import text_of

pytestmark = pytest.mark.django_db

HIDDEN = "This post was hidden by a moderator."


@pytest.fixture
def reply(thread, member):
    return actions.post_reply(author=member, thread=thread, body="Buy cheap pills here")


def flag_reply(client, reply, reason="spam", note=""):
    return client.post(
        f"{reply.thread.get_absolute_url()}replies/{reply.pk}/flag/",
        {"reason": reason, "note": note},
    )


# --- Actions -------------------------------------------------------------------------


def test_flag_post_records_an_open_flag_and_an_event(reply, learner):
    before = last_event_id()
    flag = actions.flag_post(reporter=learner, post=reply, reason="spam", note=" ads  ")
    assert (flag.reply_id, flag.thread_id, flag.space_id, flag.reason, flag.note, flag.status) == (
        reply.pk,
        None,
        reply.thread.space_id,
        "spam",
        "ads",
        "open",
    )
    [(verb, actor, space_id, model, target_id, data)] = events_since(before)
    assert (verb, actor, space_id, model, target_id) == (
        "flag.raised",
        learner.pk,
        reply.thread.space_id,
        "flag",
        flag.pk,
    )
    assert (data["post_type"], data["post_id"], data["reason"]) == ("reply", reply.pk, "spam")


def test_flagging_twice_is_refused_until_the_first_is_reviewed(reply, learner, facilitator):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    with pytest.raises(ValidationError) as error:
        actions.flag_post(reporter=learner, post=reply, reason="rude")
    assert error.value.messages == [actions.ALREADY_FLAGGED]
    assert Flag.objects.count() == 1
    actions.dismiss_flags(actor=facilitator, post=reply)
    actions.flag_post(reporter=learner, post=reply, reason="rude")
    assert Flag.objects.filter(status="open").count() == 1


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("nonsense", "", "reason"), ("", "", "reason"), ("spam", "x" * 501, "note")],
)
def test_flag_with_a_bad_reason_or_a_long_note_is_refused(reply, learner, reason, note, field):
    with pytest.raises(ValidationError) as error:
        actions.flag_post(reporter=learner, post=reply, reason=reason, note=note)
    assert list(error.value.message_dict) == [field]
    assert Flag.objects.exists() is False


def test_authors_and_outsiders_cannot_flag(reply, member, outsider, space):
    with pytest.raises(PermissionDenied):
        actions.flag_post(reporter=member, post=reply, reason="spam")
    private = make_space(name="Private", visibility="private")
    thread = actions.start_thread(author=private.memberships.get().user, space=private, title="T")
    with pytest.raises(PermissionDenied):
        actions.flag_post(reporter=outsider, post=thread, reason="spam")
    assert Flag.objects.exists() is False


def test_hide_closes_open_flags_and_restore_shows_the_post(reply, learner, facilitator):
    flag = actions.flag_post(reporter=learner, post=reply, reason="spam")
    before = last_event_id()
    actions.hide_post(actor=facilitator, post=reply)
    reply.refresh_from_db()
    flag.refresh_from_db()
    assert reply.is_hidden is True
    assert (flag.status, flag.reviewed_by_id) == ("hidden", facilitator.pk)
    actions.restore_post(actor=facilitator, post=reply)
    reply.refresh_from_db()
    assert reply.is_hidden is False
    verbs = [event[0] for event in events_since(before)]
    assert verbs == ["post.hidden", "post.restored"]


def test_members_cannot_hide_restore_or_dismiss(reply, learner):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    for action in (actions.hide_post, actions.restore_post, actions.dismiss_flags):
        with pytest.raises(PermissionDenied):
            action(actor=learner, post=reply)
    reply.refresh_from_db()
    assert reply.is_hidden is False
    assert Flag.objects.get().status == "open"


def test_dismissing_without_open_flags_is_refused(reply, facilitator):
    with pytest.raises(ValidationError) as error:
        actions.dismiss_flags(actor=facilitator, post=reply)
    assert error.value.messages == [actions.NO_OPEN_FLAGS]


def test_org_admins_moderate_every_space(reply, admin_user, learner):
    actions.flag_post(reporter=learner, post=reply, reason="rude")
    actions.hide_post(actor=admin_user, post=reply)
    reply.refresh_from_db()
    assert reply.is_hidden is True


# --- Pages ---------------------------------------------------------------------------


def test_flag_page_reports_a_reply(client_of, reply, learner):
    client = client_of(learner)
    page = client.get(f"{reply.thread.get_absolute_url()}replies/{reply.pk}/flag/")
    assert page.status_code == 200
    response = flag_reply(client, reply, note="Looks like an ad")
    assert response.status_code == 302
    assert list(Flag.objects.values_list("reporter", "reason", "note")) == [
        (learner.pk, "spam", "Looks like an ad")
    ]


def test_flagging_twice_on_the_page_is_a_400_with_the_note_kept(client_of, reply, learner):
    client = client_of(learner)
    flag_reply(client, reply)
    response = flag_reply(client, reply, reason="rude", note="Still here")
    assert response.status_code == 400
    html = response.content.decode()
    assert str(actions.ALREADY_FLAGGED).replace("'", "&#x27;") in html
    assert "Still here" in html
    assert Flag.objects.count() == 1


def test_flag_page_with_a_bad_reason_keeps_the_note(client_of, reply, learner):
    response = flag_reply(client_of(learner), reply, reason="bogus", note="Mine")
    assert response.status_code == 400
    assert "Mine" in response.content.decode()
    assert Flag.objects.exists() is False


def test_flag_of_another_spaces_reply_is_not_found(client_of, reply, learner, facilitator):
    other = make_space(creator=facilitator, name="Other Club", members=(learner,))
    other_thread = actions.start_thread(author=facilitator, space=other, title="Elsewhere")
    response = learner_post = client_of(learner).post(
        f"{other_thread.get_absolute_url()}replies/{reply.pk}/flag/", {"reason": "spam"}
    )
    assert learner_post.status_code == 404 == response.status_code
    assert Flag.objects.exists() is False


def test_review_queue_lists_flags_grouped_by_post(
    client_of, space, thread, reply, learner, facilitator
):
    other = UserFactory(name="Olga Other")
    add_member(space, other)
    actions.flag_post(reporter=learner, post=reply, reason="spam", note="ad")
    actions.flag_post(reporter=other, post=reply, reason="rude")
    actions.flag_post(reporter=learner, post=thread, reason="off_topic")
    response = client_of(facilitator).get("/spaces/data-club/moderation/")
    assert response.status_code == 200
    items = response.context["items"]
    assert [(item.post_type, item.post.pk, len(item.flags)) for item in items] == [
        ("reply", reply.pk, 2),
        ("thread", thread.pk, 1),
    ]
    text = text_of(response.content.decode(), f"flagged-reply-{reply.pk}")
    assert "Buy cheap pills here" in text
    assert "Reasons: Rude or abusive, Spam or advertising" in text
    assert "Leo Learner · Spam or advertising: “ad”" in text
    assert "Olga Other · Rude or abusive" in text


def test_review_queue_is_for_facilitators_only(client_of, member, outsider, space):
    assert client_of(member).get("/spaces/data-club/moderation/").status_code == 403
    assert client_of(member).get("/spaces/data-club/moderation/log/").status_code == 403
    secret = make_space(name="Hush", visibility="secret")
    assert client_of(outsider).get(f"/spaces/{secret.slug}/moderation/").status_code == 404


def test_hide_from_the_queue_then_the_learner_sees_the_hidden_notice(
    client_of, reply, learner, facilitator, member
):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    response = client_of(facilitator).post(
        f"/spaces/data-club/moderation/reply/{reply.pk}/", {"action": "hide"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/spaces/data-club/moderation/"
    reply.refresh_from_db()
    assert reply.is_hidden is True
    learner_html = client_of(learner).get(reply.thread.get_absolute_url()).content.decode()
    assert text_of(learner_html, f"reply-{reply.pk}").startswith(HIDDEN)
    assert "Buy cheap pills" not in learner_html
    author_html = client_of(member).get(reply.thread.get_absolute_url()).content.decode()
    assert "Buy cheap pills here" in author_html
    assert "Hidden by a moderator" in text_of(author_html, f"reply-{reply.pk}")
    queue = client_of(facilitator).get("/spaces/data-club/moderation/")
    assert queue.context["items"] == []


def test_comments_under_a_hidden_response_survive(client_of, reply, learner, facilitator):
    comment = actions.post_reply(author=learner, thread=reply.thread, body="Nope", parent=reply)
    actions.hide_post(actor=facilitator, post=reply)
    html = client_of(learner).get(reply.thread.get_absolute_url()).content.decode()
    assert text_of(html, f"reply-{comment.pk}").startswith("LL Leo Learner just now Nope")


def test_hidden_thread_hides_its_title_and_body_from_others(
    client_of, thread, facilitator, learner
):
    actions.hide_post(actor=facilitator, post=thread)
    html = client_of(learner).get(thread.get_absolute_url()).content.decode()
    assert text_of(html, "thread-title") == "Hidden thread"
    assert "<title>Hidden thread" in html
    assert HIDDEN in html
    assert "Bars?" not in html
    listing = client_of(learner).get("/spaces/data-club/threads/").content.decode()
    assert "Charts" not in listing


def test_moderate_post_refuses_members_and_other_spaces_ids(client_of, reply, learner, facilitator):
    assert (
        client_of(learner)
        .post(f"/spaces/data-club/moderation/reply/{reply.pk}/", {"action": "hide"})
        .status_code
        == 403
    )
    other = make_space(creator=facilitator, name="Other Club")
    response = client_of(facilitator).post(
        f"/spaces/{other.slug}/moderation/reply/{reply.pk}/", {"action": "hide"}
    )
    assert response.status_code == 404
    response = client_of(facilitator).post(
        f"/spaces/data-club/moderation/post/{reply.pk}/", {"action": "hide"}
    )
    assert response.status_code == 404
    reply.refresh_from_db()
    assert reply.is_hidden is False


def test_moderate_post_ignores_an_outside_next_url(client_of, reply, learner, facilitator):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    response = client_of(facilitator).post(
        f"/spaces/data-club/moderation/reply/{reply.pk}/",
        {"action": "dismiss", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/spaces/data-club/moderation/"
    assert Flag.objects.get().status == "dismissed"


def test_moderation_log_lists_every_moderation_act(client_of, thread, reply, learner, facilitator):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    actions.hide_post(actor=facilitator, post=reply)
    actions.restore_post(actor=facilitator, post=reply)
    actions.moderate_thread(actor=facilitator, thread=thread, is_closed=True, is_pinned=True)
    actions.delete_reply(actor=facilitator, reply=reply)
    actions.moderate_thread(actor=facilitator, thread=thread, is_closed=False)
    own = actions.post_reply(author=learner, thread=thread, body="Oops")
    actions.delete_reply(actor=learner, reply=own)  # an author's own: not moderation
    response = client_of(facilitator).get("/spaces/data-club/moderation/log/")
    assert response.status_code == 200
    lines = [
        line.strip()
        for line in text_of(response.content.decode(), "moderation-log").split(" just now")
        if line.strip()
    ]
    sentences = [line.rsplit(" ·", 1)[0] for line in lines]
    assert sentences == [
        "Fay Facilitator reopened the thread “Charts”",
        "Fay Facilitator deleted a reply in “Charts”",
        "Fay Facilitator pinned, closed the thread “Charts”",
        "Fay Facilitator restored a reply in “Charts”",
        "Fay Facilitator hid a reply in “Charts”",
        "Leo Learner reported a reply in “Charts”",
    ]


def test_org_review_queue_is_for_admins(client_of, reply, learner, admin_user, facilitator):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    response = client_of(admin_user).get("/moderation/")
    assert response.status_code == 200
    assert [item.post.pk for item in response.context["items"]] == [reply.pk]
    assert "Data Club" in text_of(response.content.decode(), f"flagged-reply-{reply.pk}")
    assert client_of(facilitator).get("/moderation/").status_code == 403


def test_review_queue_query_count_is_flat(
    client_of, space, thread, facilitator, member, assert_flat_query_count
):
    def grow(n: int) -> None:
        for i in range(n):
            reporter = UserFactory()
            add_member(space, reporter)
            post = actions.post_reply(author=member, thread=thread, body=f"R{i}")
            actions.flag_post(reporter=reporter, post=post, reason="spam")
            other = actions.start_thread(author=member, space=space, title=f"T{i}")
            actions.flag_post(reporter=reporter, post=other, reason="rude")

    grow(2)
    client = client_of(facilitator)
    assert_flat_query_count(
        lambda: client.get("/spaces/data-club/moderation/"), grow=lambda: grow(15), limit=12
    )


def test_moderation_log_query_count_is_flat(
    client_of, space, thread, facilitator, member, assert_flat_query_count
):
    def grow(n: int) -> None:
        for i in range(n):
            post = actions.post_reply(author=member, thread=thread, body=f"R{i}")
            actions.hide_post(actor=facilitator, post=post)

    grow(2)
    client = client_of(facilitator)
    assert_flat_query_count(
        lambda: client.get("/spaces/data-club/moderation/log/"), grow=lambda: grow(30), limit=9
    )


def test_guest_member_can_flag_but_not_moderate(client_of, space, reply):
    guest_member = UserFactory(name="Gus")
    add_member(space, guest_member, Membership.Role.GUEST)
    assert flag_reply(client_of(guest_member), reply).status_code == 302
    assert Reply.objects.get(pk=reply.pk).is_hidden is False
    assert Thread.objects.count() == 1


def test_posts_of_an_archived_space_cannot_be_flagged(reply, learner, space):
    Space.objects.filter(pk=space.pk).update(status=Space.Status.ARCHIVED)
    reply.thread.space.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.flag_post(reporter=learner, post=reply, reason="spam")
    assert Flag.objects.exists() is False


def test_thread_page_for_a_moderator_with_hidden_replies_stays_at_eight_queries(
    client_of, space, thread, facilitator, member, assert_flat_query_count
):
    def grow(n: int) -> None:
        for i in range(n):
            post = actions.post_reply(author=member, thread=thread, body=f"R{i}")
            if i % 2:
                actions.hide_post(actor=facilitator, post=post)

    grow(4)
    client = client_of(facilitator)
    count = assert_flat_query_count(
        lambda: client.get(thread.get_absolute_url()), grow=lambda: grow(40)
    )
    assert count <= 8
