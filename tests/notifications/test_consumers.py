"""The live unread badge: each person's count, pushed when a notification arrives."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from agora.discussions import actions
from tests.factories import UserFactory, add_member
from tests.live import channel_layer, headers_for, run, socket_at

__all__ = ["channel_layer"]
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_unread_count_rises_when_someone_replies(channel_layer, space, member):
    replier = UserFactory(name="Rita Replier")
    add_member(space, replier)
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    as_member = headers_for(member)
    as_replier = headers_for(replier)

    async def scenario() -> None:
        badge = socket_at("/ws/notifications/", as_member)
        other = socket_at("/ws/notifications/", as_replier)
        assert await badge.connect() == (True, None)
        assert await other.connect() == (True, None)
        assert await badge.receive_json_from(timeout=10) == {
            "type": "notifications.count",
            "event_id": None,
            "count": 0,
            "label": "0",
            "name": "Notifications",
        }
        await other.receive_json_from(timeout=10)

        await database_sync_to_async(actions.post_reply)(
            author=replier, thread=thread, body="Lines!"
        )
        message = await badge.receive_json_from(timeout=10)
        assert (message["count"], message["label"]) == (1, "1")
        assert message["name"] == "Notifications, 1 unread"
        assert isinstance(message["event_id"], int)
        # The replier is not notified of their own reply.
        assert await other.receive_nothing(timeout=0.3) is True
        await badge.disconnect()
        await other.disconnect()

    run(scenario)


def test_an_anonymous_visitor_has_no_badge(channel_layer):
    async def scenario() -> None:
        socket = socket_at("/ws/notifications/", headers_for(None))
        assert await socket.connect() == (False, 4403)

    run(scenario)
