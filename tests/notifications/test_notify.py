"""Every kind of notification, end to end: the real action, delivery, the row, the email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.core.events import deliver
from agora.core.models import Event
from agora.discussions import actions
from agora.discussions.models import Follow, Thread
from agora.notifications.actions import notify, set_preferences
from agora.notifications.models import Channel, Kind, Notification
from agora.spaces.models import Space
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_email_is_complete():
    """Whatever a test sends: text and HTML parts, one-click unsubscribe headers."""
    yield
    for message in mail.outbox:
        assert message.body.strip()
        assert [mimetype for _html, mimetype in message.alternatives] == ["text/html"]
        assert message.extra_headers["List-Unsubscribe"].startswith(
            "<http://127.0.0.1:8000/notifications/unsubscribe/"
        )
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def rows() -> list[tuple]:
    """(recipient, kind, text) of every notification, by recipient's name."""
    return list(
        Notification.objects.order_by("recipient__name").values_list(
            "recipient__name", "kind", "text"
        )
    )


def test_a_reply_notifies_the_thread_author_by_email(delivered, thread, member, learner):
    reply = delivered(actions.post_reply, author=learner, thread=thread, body="Use **bars**.")

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (
        member,
        Kind.REPLY,
        learner,
    )
    assert notification.text == "Lou Learner replied to your thread “Reading charts”"
    assert notification.snippet == "Use bars."
    assert notification.url == f"/spaces/data-club/threads/{thread.pk}/#reply-{reply.pk}"
    assert (notification.space, notification.thread, notification.read_at) == (
        thread.space,
        thread,
        None,
    )
    assert notification.by_email is True
    assert notification.emailed_at is not None
    [email] = mail.outbox
    assert email.to == [member.email]
    assert email.subject == "[Agora] Lou Learner replied to your thread “Reading charts”"
    link = f"http://127.0.0.1:8000/notifications/{notification.pk}/"
    assert "Use bars." in email.body
    assert link in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert f'<a href="{link}">' in html
    assert "<blockquote>Use bars.</blockquote>" in html
    unsubscribe = email.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert unsubscribe[1:-1] in email.body
    assert unsubscribe[1:-1] in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_comment_notifies_the_response_author_and_the_thread_author(
    delivered, thread, member, learner, facilitator
):
    response = delivered(actions.post_reply, author=learner, thread=thread, body="Bars.")
    mail.outbox.clear()
    Notification.objects.all().delete()

    delivered(actions.post_reply, author=facilitator, thread=thread, body="Why?", parent=response)

    assert rows() == [
        (
            "Lou Learner",
            Kind.COMMENT,
            "Fay Facilitator commented on your reply in “Reading charts”",
        ),
        ("Mia Member", Kind.REPLY, "Fay Facilitator replied to your thread “Reading charts”"),
    ]
    assert sorted(email.to[0] for email in mail.outbox) == sorted([member.email, learner.email])


def test_a_mention_links_the_person_and_notifies_them(delivered, thread, learner, facilitator):
    reply = delivered(
        actions.post_reply,
        author=facilitator,
        thread=thread,
        body=f"Ask @{learner.handle} about it, not `@{learner.handle}`.",
    )

    assert (
        f'<a href="/people/{learner.pk}/" title="Lou Learner" '
        f'rel="nofollow noopener noreferrer ugc">@lou-learner</a>' in reply.body_html
    )
    assert "<code>@lou-learner</code>" in reply.body_html
    event = Event.objects.get(verb="reply.posted")
    assert event.data["mentioned"] == [learner.pk]
    assert ("Lou Learner", Kind.MENTION, "Fay Facilitator mentioned you in “Reading charts”") in (
        rows()
    )


def test_a_mention_of_the_thread_author_gives_one_notification_of_the_mention_kind(
    delivered, thread, member, learner
):
    delivered(actions.post_reply, author=learner, thread=thread, body=f"@{member.handle} yes")

    assert rows() == [("Mia Member", Kind.MENTION, "Lou Learner mentioned you in “Reading charts”")]
    assert len(mail.outbox) == 1


def test_a_mention_in_a_new_thread_and_in_an_edit_notifies_the_newly_mentioned_only(
    delivered, space, member, learner, facilitator
):
    thread = delivered(
        actions.start_thread,
        author=member,
        space=space,
        title="Plans",
        body=f"cc @{learner.handle}",
    )
    delivered(
        actions.edit_thread,
        editor=member,
        thread=thread,
        title="Plans",
        body=f"cc @{learner.handle} @{facilitator.handle}",
    )

    assert rows() == [
        ("Fay Facilitator", Kind.MENTION, "Mia Member mentioned you in “Plans”"),
        ("Lou Learner", Kind.MENTION, "Mia Member mentioned you in “Plans”"),
    ]


def test_a_mentioned_person_who_cannot_read_a_secret_space_gets_nothing(
    delivered, facilitator, member, outsider
):
    secret = make_space(
        creator=facilitator, name="Board", visibility=Space.Visibility.SECRET, members=(member,)
    )
    thread = delivered(actions.start_thread, author=member, space=secret, title="Pay")

    delivered(actions.post_reply, author=facilitator, thread=thread, body=f"@{outsider.handle}")

    assert Notification.objects.filter(recipient=outsider).exists() is False
    assert rows() == [("Mia Member", Kind.REPLY, "Fay Facilitator replied to your thread “Pay”")]


def test_an_accepted_answer_notifies_its_author(delivered, space, member, learner):
    question = delivered(
        actions.start_thread, author=member, space=space, title="Why?", kind=Thread.Kind.QUESTION
    )
    answer = delivered(actions.post_reply, author=learner, thread=question, body="Because.")
    Notification.objects.all().delete()

    delivered(actions.accept_answer, actor=member, thread=question, reply=answer)

    assert rows() == [
        ("Lou Learner", Kind.ANSWER_ACCEPTED, "Mia Member accepted your answer to “Why?”")
    ]
    assert [email.to for email in mail.outbox][-1] == [learner.email]


def test_an_endorsement_notifies_the_reply_author_in_the_app_only(
    delivered, thread, learner, facilitator
):
    reply = delivered(actions.post_reply, author=learner, thread=thread, body="Bars.")
    Notification.objects.all().delete()
    mail.outbox.clear()

    delivered(actions.endorse_reply, actor=facilitator, reply=reply)

    assert rows() == [
        ("Lou Learner", Kind.ENDORSED, "Fay Facilitator endorsed your reply in “Reading charts”")
    ]
    assert Notification.objects.get().by_email is False
    assert mail.outbox == []


def test_followers_of_a_thread_and_of_its_space_hear_of_replies(
    delivered, thread, member, learner, facilitator
):
    delivered(actions.follow_thread, user=learner, thread=thread)
    delivered(actions.follow_space, user=facilitator, space=thread.space)
    other = UserFactory(name="Ola Other")
    add_member(thread.space, other)

    delivered(actions.post_reply, author=other, thread=thread, body="Hi")

    assert rows() == [
        ("Fay Facilitator", Kind.FOLLOWED, "Ola Other replied in “Reading charts”"),
        ("Lou Learner", Kind.FOLLOWED, "Ola Other replied in “Reading charts”"),
        ("Mia Member", Kind.REPLY, "Ola Other replied to your thread “Reading charts”"),
    ]
    # Following is in the app by default: only the thread author gets an email.
    assert [email.to for email in mail.outbox] == [[member.email]]


def test_followers_of_a_space_hear_of_new_threads(delivered, space, member, learner):
    delivered(actions.follow_space, user=learner, space=space)

    delivered(actions.start_thread, author=member, space=space, title="New idea")

    assert rows() == [("Lou Learner", Kind.FOLLOWED, "Mia Member started “New idea” in Data Club")]


def test_a_lesson_prompt_notifies_every_member_but_its_author(
    delivered, space, member, learner, facilitator, outsider
):
    delivered(
        actions.start_thread,
        author=facilitator,
        space=space,
        title="Week 1",
        body="Post a chart.",
        kind=Thread.Kind.PROMPT,
    )

    text = "Fay Facilitator posted a lesson prompt in Data Club: “Week 1”"
    assert rows() == [("Lou Learner", Kind.PROMPT, text), ("Mia Member", Kind.PROMPT, text)]
    assert mail.outbox == []


def test_nobody_is_notified_of_their_own_post(delivered, thread, member):
    delivered(actions.post_reply, author=member, thread=thread, body=f"Me, @{member.handle}")

    assert rows() == []
    assert mail.outbox == []


def test_starting_or_replying_follows_the_thread(delivered, thread, member, learner):
    delivered(actions.post_reply, author=learner, thread=thread, body="Hi")

    assert sorted(Follow.objects.values_list("user__name", "thread_id")) == [
        ("Lou Learner", thread.pk),
        ("Mia Member", thread.pk),
    ]


def test_delivering_an_event_twice_notifies_and_emails_once(delivered, thread, learner):
    delivered(actions.post_reply, author=learner, thread=thread, body="Hi")
    event = Event.objects.get(verb="reply.posted")

    with_twice = notify(event=event)
    Event.objects.filter(pk=event.pk).update(delivered_at=None, delivered_to=[])
    deliver(event.pk)

    assert len(with_twice) == 1  # built again, and ignored by the unique constraint
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_kind_turned_off_is_not_notified_and_email_can_be_chosen(
    delivered, thread, member, learner, facilitator
):
    set_preferences(user=member, channels={Kind.REPLY: Channel.OFF})
    delivered(actions.follow_thread, user=facilitator, thread=thread)
    set_preferences(user=facilitator, channels={Kind.FOLLOWED: Channel.EMAIL})

    delivered(actions.post_reply, author=learner, thread=thread, body="Hi")

    assert rows() == [("Fay Facilitator", Kind.FOLLOWED, "Lou Learner replied in “Reading charts”")]
    assert [email.to for email in mail.outbox] == [[facilitator.email]]


def test_hidden_or_deleted_posts_notify_nobody(delivered, thread, learner):
    reply = actions.post_reply(author=learner, thread=thread, body="Hi")
    actions.delete_reply(actor=learner, reply=reply)
    event = Event.objects.get(verb="reply.posted")

    assert notify(event=event) == []
    assert rows() == []


def test_post_first_prompts_notify_only_those_who_may_see_replies(
    delivered, space, facilitator, member, learner
):
    prompt = delivered(
        actions.start_thread,
        author=facilitator,
        space=space,
        title="Week 2",
        kind=Thread.Kind.PROMPT,
        post_first=True,
    )
    delivered(actions.follow_thread, user=member, thread=prompt)
    Notification.objects.all().delete()

    delivered(actions.post_reply, author=learner, thread=prompt, body="My chart")

    # The member has not answered yet: their follow tells them nothing of it.
    assert rows() == [
        ("Fay Facilitator", Kind.REPLY, "Lou Learner replied to your thread “Week 2”")
    ]


def test_posting_a_reply_runs_the_same_queries_with_1_and_with_50_followers(
    client_of, thread, learner, django_capture_on_commit_callbacks
):
    client = client_of(learner)
    url = f"/spaces/data-club/threads/{thread.pk}/replies/"
    client.post(url, {"body": "Warm-up"})  # sessions, content types

    def post_with(followers: int) -> list[str]:
        people = UserFactory.create_batch(followers - Follow.objects.filter(thread=thread).count())
        Follow.objects.bulk_create(Follow(user=person, thread=thread) for person in people)
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.post(url, {"body": f"Hello, {followers}"})
        assert response.status_code == 302
        assert len(callbacks) == 1  # the event's delivery, run after the request
        return [query["sql"] for query in queries.captured_queries]

    few, many = post_with(2), post_with(51)  # the thread's author follows it too

    assert len(few) == len(many), "\n".join(["--- few", *few, "--- many", *many])
    assert Follow.objects.filter(thread=thread).count() == 51


def test_delivering_a_reply_notifies_every_follower(delivered, thread, learner):
    people = UserFactory.create_batch(30)
    Follow.objects.bulk_create(Follow(user=person, thread=thread) for person in people)

    delivered(actions.post_reply, author=learner, thread=thread, body="Hello all")

    assert Notification.objects.filter(kind=Kind.FOLLOWED).count() == 30
    assert Notification.objects.filter(kind=Kind.REPLY).count() == 1
