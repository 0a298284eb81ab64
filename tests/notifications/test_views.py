"""Notification pages: the list, opening, marking read, settings, one-click unsubscribe."""

from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.discussions import actions
from agora.notifications import actions as notification_actions
from agora.notifications.models import Channel, Kind, Notification, Preference
from agora.notifications.queries import forget_unread_counts
from agora.spaces.actions import leave_space
from agora.spaces.models import Space
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(delivered, thread, learner):
    """Lou replied to Mia's thread: Mia has one unread notification."""
    delivered(actions.post_reply, author=learner, thread=thread, body="Use bars.")
    return Notification.objects.get()


def replies_from_many(delivered, thread, count: int) -> None:
    for n in range(count):
        person = UserFactory()
        add_member(thread.space, person)
        delivered(actions.post_reply, author=person, thread=thread, body=f"Reply {n}")


def test_the_list_shows_unread_notifications_highlighted(client_of, member, replied):
    html = client_of(member).get("/notifications/").content.decode()

    assert '<li class="notification is-unread" id="notification-' in html
    assert (
        f'<span class="badge badge-new">New</span> <a href="/notifications/{replied.pk}/">'
        "Lou Learner replied to your thread “Reading charts”</a>" in html
    )
    assert "Use bars." in html
    assert 'aria-label="Mark read: Lou Learner replied to your thread “Reading charts”"' in html
    assert ">Mark all read</button>" in html


def test_the_header_says_how_many_are_unread(client_of, member, replied, learner):
    html = client_of(member).get("/").content.decode()
    assert 'aria-label="Notifications, 1 unread"' in html
    assert '<span class="unread-count" aria-hidden="true">1</span>' in html

    html = client_of(learner).get("/").content.decode()
    assert 'aria-label="Notifications"' in html
    assert "unread-count" not in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_reply(client_of, member, replied):
    client = client_of(member)

    response = client.get(f"/notifications/{replied.pk}/")

    assert response.status_code == 302
    assert response["Location"] == replied.url
    replied.refresh_from_db()
    assert replied.read_at is not None
    assert 'aria-label="Notifications"' in client.get("/").content.decode()


def test_mark_read_one_and_all(client_of, member, replied, delivered, thread, facilitator):
    delivered(actions.post_reply, author=facilitator, thread=thread, body="Me too")
    client = client_of(member)

    response = client.post(f"/notifications/{replied.pk}/read/", {"next": "/notifications/?page=1"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=1"
    mine = Notification.objects.filter(recipient=member)
    assert mine.filter(read_at__isnull=True).count() == 1

    response = client.post("/notifications/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"
    assert mine.filter(read_at__isnull=True).exists() is False
    # Lou follows the thread he replied in: his notification stays unread.
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_mark_read_with_htmx_swaps_the_item(client_of, member, replied):
    response = client_of(member).post(f"/notifications/{replied.pk}/read/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.startswith(f'<li class="notification" id="notification-{replied.pk}">')
    assert "Mark read" not in html


def test_someone_elses_notification_is_a_404(client_of, learner, replied):
    client = client_of(learner)

    assert client.get(f"/notifications/{replied.pk}/").status_code == 404
    assert client.post(f"/notifications/{replied.pk}/read/").status_code == 404
    replied.refresh_from_db()
    assert replied.read_at is None


def test_pages_need_a_signed_in_person(replied):
    client = Client()
    for path in ("/notifications/", f"/notifications/{replied.pk}/", "/settings/notifications/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_notification_list_query_count_is_flat(
    client_of, member, thread, delivered, assert_flat_query_count
):
    replies_from_many(delivered, thread, 2)
    client = client_of(member)

    def page():
        forget_unread_counts([member.pk])  # as on the first page view after news
        return client.get("/notifications/")

    assert_flat_query_count(
        page,
        grow=lambda: replies_from_many(delivered, thread, 30),
        limit=5,
    )


def test_header_count_query_count_is_flat(
    client_of, member, thread, delivered, assert_flat_query_count
):
    replies_from_many(delivered, thread, 2)
    client = client_of(member)

    def page(*, cached: bool):
        if not cached:
            forget_unread_counts([member.pk])
        return client.get("/spaces/")

    # Not cached (new notifications came), the badge costs one query, however many.
    uncached = assert_flat_query_count(
        lambda: page(cached=False), grow=lambda: replies_from_many(delivered, thread, 30)
    )
    page(cached=False)
    with CaptureQueriesContext(connection) as queries:
        page(cached=True)
    assert len(queries) == uncached - 1
    assert 'aria-label="Notifications, 32 unread"' in client.get("/spaces/").content.decode()


def test_the_badge_stops_counting_at_99_plus(client_of, member, thread, delivered):
    replies_from_many(delivered, thread, 100)

    html = client_of(member).get("/").content.decode()

    assert 'aria-label="Notifications, 100 unread"' in html
    assert '<span class="unread-count" aria-hidden="true">99+</span>' in html


# --- Settings ----------------------------------------------------------------------------


def test_settings_show_the_defaults_and_save_changes(client_of, member):
    client = client_of(member)
    html = client.get("/settings/notifications/").content.decode()
    assert '<label for="id_mention">Mentions of me' in html
    assert '<option value="email" selected>Email and in the app</option>' in html

    data = dict.fromkeys(Kind.values, Channel.APP) | {Kind.FOLLOWED: Channel.OFF}
    response = client.post("/settings/notifications/", data, follow=True)

    assert response.redirect_chain == [("/settings/notifications/", 302)]
    assert "Your notification settings are saved." in response.content.decode()
    assert dict(Preference.objects.filter(user=member).values_list("kind", "channel")) == data


def test_settings_refuse_an_unknown_channel_and_keep_the_rest(client_of, member):
    data = dict.fromkeys(Kind.values, Channel.APP) | {Kind.MENTION: "pigeon"}

    response = client_of(member).post("/settings/notifications/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice. pigeon is not one of the available choices." in html
    assert Preference.objects.exists() is False


# --- Unsubscribe -------------------------------------------------------------------------


def unsubscribe_url(replied: Notification) -> str:
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    return header[1:-1].removeprefix("http://127.0.0.1:8000")


def test_unsubscribe_link_asks_then_turns_that_email_off(replied, member):
    client = Client()
    url = unsubscribe_url(replied)

    page = client.get(url)
    assert page.status_code == 200
    assert "Stop emailing Mia Member about “Replies to my threads”?" in page.content.decode()
    assert Preference.objects.exists() is False

    done = client.post(url)
    assert done.status_code == 200
    assert "You will get no more emails about “Replies to my threads”." in done.content.decode()
    assert list(Preference.objects.values_list("user", "kind", "channel")) == [
        (member.pk, Kind.REPLY, Channel.APP)
    ]


def test_one_click_unsubscribe_needs_no_session_or_csrf_token(replied, member):
    client = Client(enforce_csrf_checks=True)

    response = client.post(unsubscribe_url(replied), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert notification_actions.channels_of([member.pk])[member.pk][Kind.REPLY] == Channel.APP


def test_unsubscribed_kind_is_no_longer_emailed(replied, delivered, thread, facilitator):
    Client().post(unsubscribe_url(replied))
    mail.outbox.clear()

    delivered(actions.post_reply, author=facilitator, thread=thread, body="Again")

    assert mail.outbox == []
    assert replied.recipient.notifications.count() == 2


def test_a_tampered_unsubscribe_token_is_refused(replied):
    url = unsubscribe_url(replied)
    token = url.split("/")[-2]
    forged = signing.dumps({"u": replied.recipient_id, "k": Kind.MENTION}, salt="other")

    for bad in (token[:-2] + "xx", forged, "nonsense"):
        for method in ("get", "post"):
            response = getattr(Client(), method)(f"/notifications/unsubscribe/{bad}/")
            assert response.status_code == 400
            assert "This link is not valid" in response.content.decode()
    assert Preference.objects.exists() is False


def test_an_expired_unsubscribe_token_is_refused(member, monkeypatch):
    long_ago = time.time() - notification_actions.UNSUBSCRIBE_MAX_AGE - 60
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    token = notification_actions.unsubscribe_token(user=member, kind=Kind.REPLY)
    monkeypatch.undo()

    response = Client().post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 400
    assert Preference.objects.exists() is False


def test_notifications_of_a_space_one_left_are_no_longer_shown(
    client_of, delivered, facilitator, member
):
    secret = make_space(
        creator=facilitator, name="Board", visibility=Space.Visibility.SECRET, members=(member,)
    )
    thread = delivered(actions.start_thread, author=member, space=secret, title="Pay")
    delivered(actions.post_reply, author=facilitator, thread=thread, body="Secret figures")
    notification = Notification.objects.get(recipient=member)
    client = client_of(member)
    assert "Secret figures" in client.get("/notifications/").content.decode()

    delivered(leave_space, user=member, space=secret)

    assert "Secret figures" not in client.get("/notifications/").content.decode()
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert 'aria-label="Notifications"' in client.get("/").content.decode()
