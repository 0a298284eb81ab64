"""The notifications API: list, unread count, marking read, settings, following."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from agora.accounts.models import User
from agora.discussions import actions
from agora.discussions.models import Follow
from agora.notifications.models import Notification
from agora.spaces.models import Space
from tests.api.helpers import NOT_FOUND, ApiClient, forbidden, invalid, iso, page
from tests.factories import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_of() -> Callable[[User], ApiClient]:
    def make(user: User) -> ApiClient:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    return make


@pytest.fixture
def replied(delivered, thread, learner) -> Notification:
    delivered(actions.post_reply, author=learner, thread=thread, body="Use bars.")
    return Notification.objects.get()


def notification_json(notification: Notification) -> dict:
    notification.refresh_from_db()
    actor = notification.actor
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "snippet": notification.snippet,
        "url": notification.url,
        "actor": {
            "id": actor.pk,
            "name": actor.name,
            "handle": actor.handle,
            "url": f"/people/{actor.pk}/",
        },
        "space_id": notification.space_id,
        "thread_id": notification.thread_id,
        "created_at": iso(notification.created_at),
        "read_at": iso(notification.read_at),
        "is_read": notification.read_at is not None,
    }


def test_list_unread_count_and_mark_read(api_of, member, replied):
    api = api_of(member)

    assert api.get("/notifications").json() == page([notification_json(replied)])
    assert api.get("/notifications/unread-count").json() == {"unread": 1}

    response = api.post(f"/notifications/{replied.pk}/read")

    assert response.status_code == 200
    assert response.json() == notification_json(replied)
    assert response.json()["is_read"] is True
    assert api.get("/notifications/unread-count").json() == {"unread": 0}


def test_mark_all_read(api_of, member, replied):
    api = api_of(member)

    assert api.post("/notifications/read").json() == {"marked": 1}
    assert api.post("/notifications/read").json() == {"marked": 0}


def test_someone_elses_notification_is_not_found(api_of, learner, replied):
    response = api_of(learner).post(f"/notifications/{replied.pk}/read")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert api_of(learner).get("/notifications").json() == page([])


def test_the_list_needs_authentication(replied):
    response = Client().get("/api/v1/notifications")
    assert response.status_code == 401


def test_preferences_read_and_change(api_of, member):
    api = api_of(member)
    defaults = api.get("/notifications/preferences").json()
    assert defaults[1] == {"kind": "mention", "label": "Mentions of me", "channel": "email"}
    assert [item["channel"] for item in defaults] == [
        "email",
        "email",
        "email",
        "email",
        "app",
        "app",
        "app",
        "email",  # questions asked of me as an expert
        "app",  # my answers marked answered or helpful
    ]

    changed = api.patch("/notifications/preferences", {"mention": "off", "followed": "email"})

    assert changed.status_code == 200
    channels = {item["kind"]: item["channel"] for item in changed.json()}
    assert (channels["mention"], channels["followed"], channels["reply"]) == (
        "off",
        "email",
        "email",
    )


def test_preferences_refuse_unknown_kinds_and_channels(api_of, member):
    api = api_of(member)

    response = api.patch("/notifications/preferences", {"mention": "pigeon"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["mention"]

    response = api.patch("/notifications/preferences", {"gossip": "off"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["gossip"]


def test_follow_and_unfollow_a_thread_and_a_space(api_of, learner, thread, space):
    api = api_of(learner)

    assert api.put(f"/threads/{thread.pk}/follow").json() == {"following": True}
    assert api.put(f"/threads/{thread.pk}/follow").json() == {"following": True}
    assert api.put(f"/spaces/{space.pk}/follow").json() == {"following": True}
    assert Follow.objects.filter(user=learner).count() == 2

    assert api.delete(f"/threads/{thread.pk}/follow").json() == {"following": False}
    assert api.delete(f"/spaces/{space.pk}/follow").json() == {"following": False}
    assert Follow.objects.filter(user=learner).exists() is False


def test_following_what_one_may_not_read(api_of, outsider, facilitator, member):
    secret = make_space(creator=facilitator, name="Board", visibility=Space.Visibility.SECRET)
    private = make_space(creator=facilitator, name="Club", visibility=Space.Visibility.PRIVATE)
    thread = actions.start_thread(author=facilitator, space=secret, title="Pay")
    api = api_of(outsider)

    assert api.put(f"/threads/{thread.pk}/follow").status_code == 404
    assert api.put(f"/spaces/{secret.pk}/follow").status_code == 404
    response = api.put(f"/spaces/{private.pk}/follow")
    assert (response.status_code, response.json()) == (
        403,
        forbidden("You can follow only what you may read."),
    )
    assert Follow.objects.exists() is False


def test_mark_read_of_a_huge_id_is_a_422(api_of, member):
    response = api_of(member).post(f"/notifications/{2**64}/read")
    assert response.status_code == 422
    assert response.json() == invalid(
        notification_id=["Input should be less than or equal to 9223372036854775807"]
    )


def test_notification_list_query_count_is_flat(
    api_of, member, thread, delivered, assert_flat_query_count
):
    from tests.notifications.test_views import replies_from_many

    replies_from_many(delivered, thread, 2)
    api = api_of(member)

    assert_flat_query_count(
        lambda: api.get("/notifications"), grow=lambda: replies_from_many(delivered, thread, 25)
    )


def test_people_to_mention_members_first(api_of, member, space, facilitator):
    from tests.factories import UserFactory

    UserFactory(name="Faye Elsewhere")

    response = api_of(member).get("/people/mentions", q="fa", space_id=space.pk)

    assert response.status_code == 200
    assert [(p["name"], p["handle"]) for p in response.json()] == [
        ("Fay Facilitator", "fay-facilitator"),
        ("Faye Elsewhere", "faye-elsewhere"),
    ]
    assert api_of(member).get("/people/mentions", q="").status_code == 422


def test_my_handle_can_be_changed_through_the_api(api_of, member, learner):
    api = api_of(member)

    response = api.patch("/me/profile", {"handle": "@Mia"})
    assert (response.status_code, response.json()["handle"]) == (200, "mia")

    response = api.patch("/me/profile", {"handle": learner.handle})
    assert response.status_code == 422
    assert response.json() == invalid(handle=["Someone already has this handle; choose another."])
