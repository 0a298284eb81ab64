"""The live machinery with the channel layer down: pages and posting carry on,
sockets close so the page says live updates are paused, and nothing is lost."""

from __future__ import annotations

import asyncio
import socket as sockets

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.urls import reverse

from agora.core.live import LAYER_DOWN
from agora.discussions import actions
from agora.discussions.models import Reply
from tests.factories import UserFactory, add_member
from tests.live import channel_layer, headers_for, run, socket_at

__all__ = ["channel_layer"]
pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """Redis configured, and not answering: the cache and the channel layer both use it."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "agora.core.cache.TolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [url]},
        }
    }
    channel_layers.backends = {}
    yield url
    channel_layers.backends = {}


@pytest.fixture
def replier(space):
    person = UserFactory(name="Rita Replier")
    add_member(space, person)
    return person


def test_posting_and_reading_work_while_redis_is_down(redis_down, client_of, space, member):
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    client = client_of(member)

    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    response = client.post(
        reverse("reply_create", args=[space.slug, thread.pk]), {"body": "Still works."}
    )

    assert response.status_code == 302
    assert Reply.objects.filter(thread=thread, body="Still works.").exists() is True
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_a_socket_is_refused_while_the_layer_is_down(redis_down, space, member):
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_at(f"/ws/threads/{thread.pk}/", as_member)
        # Accepted and closed at once with the code that says why (the page shows "paused").
        assert await socket.connect(timeout=5) == (True, None)
        assert await socket.receive_output(timeout=5) == {
            "type": "websocket.close",
            "code": LAYER_DOWN,
        }

    run(scenario)


def test_the_heartbeat_closes_every_socket_when_the_layer_fails(
    channel_layer, settings, space, member, replier
):
    """One heartbeat per process checks the layer for all its sockets, and closes them all."""
    settings.AGORA_LIVE_HEARTBEAT = 0.1
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    other = actions.start_thread(author=member, space=space, title="Maps", body="Where?")
    as_member, as_replier = headers_for(member), headers_for(replier)

    async def scenario() -> None:
        first = socket_at(f"/ws/threads/{thread.pk}/", as_member)
        second = socket_at(f"/ws/threads/{other.pk}/", as_replier)
        assert await first.connect() == (True, None)
        assert await second.connect() == (True, None)
        assert await first.receive_nothing(timeout=0.35) is True  # beats go through

        layer = get_channel_layer()

        async def broken_send(channel, message):
            raise ConnectionError("Redis went away")

        layer.send = broken_send
        closed = {"type": "websocket.close", "code": LAYER_DOWN}
        assert await first.receive_output(timeout=10) == closed
        assert await second.receive_output(timeout=10) == closed

    run(scenario)


@pytest.fixture
def layer_loses_pushes(monkeypatch, settings):
    """Events are recorded, and their pushes never reach the layer (as if Redis lost them)."""
    settings.AGORA_LIVE_HEARTBEAT = 0.1
    monkeypatch.setattr("agora.discussions.listeners.push", lambda group, event_id: None)


def test_the_heartbeat_sends_what_the_layer_dropped(
    channel_layer, layer_loses_pushes, space, member, replier
):
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_at(f"/ws/threads/{thread.pk}/", as_member)
        assert await socket.connect() == (True, None)

        reply = await database_sync_to_async(actions.post_reply)(
            author=replier, thread=thread, body="Lost in the layer."
        )
        message = await socket.receive_json_from(timeout=10)
        assert message["reply_id"] == reply.pk
        assert "Lost in the layer." in message["html"]
        # Later sweeps find nothing more to send.
        assert await socket.receive_nothing(timeout=1.0) is True
        await socket.disconnect()

    run(scenario)


def test_the_sweep_sends_one_group_what_was_lost_and_keeps_the_rules(
    channel_layer, layer_loses_pushes, space, facilitator, member, replier
):
    """A sweep hands the lost event to every socket of the group, each as they may see it."""
    thread = actions.start_thread(
        author=facilitator, space=space, kind="prompt", title="Yours?", body="Go.", post_first=True
    )
    as_facilitator, as_waiting = headers_for(facilitator), headers_for(member)

    async def scenario() -> None:
        author = socket_at(f"/ws/threads/{thread.pk}/", as_facilitator)
        waiting = socket_at(f"/ws/threads/{thread.pk}/", as_waiting)
        assert await author.connect() == (True, None)
        assert await waiting.connect() == (True, None)

        reply = await database_sync_to_async(actions.post_reply)(
            author=replier, thread=thread, body="My answer."
        )
        assert (await author.receive_json_from(timeout=10))["reply_id"] == reply.pk
        # Who has not answered the post-first prompt is sent nothing, by sweeps either.
        assert await waiting.receive_nothing(timeout=1.0) is True
        assert await author.receive_nothing(timeout=0.1) is True
        await author.disconnect()
        await waiting.disconnect()

    run(scenario)


def test_an_event_pushed_and_swept_is_sent_once(channel_layer, settings, space, member, replier):
    settings.AGORA_LIVE_HEARTBEAT = 0.05  # a sweep every 0.2 s, while replies arrive
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_at(f"/ws/threads/{thread.pk}/", as_member)
        assert await socket.connect() == (True, None)
        posted = []
        for number in range(8):
            reply = await database_sync_to_async(actions.post_reply)(
                author=replier, thread=thread, body=f"Reply {number}."
            )
            posted.append(reply.pk)
            await asyncio.sleep(0.05)
        received = [(await socket.receive_json_from(timeout=10))["reply_id"] for _ in posted]
        assert sorted(received) == posted
        assert await socket.receive_nothing(timeout=0.6) is True
        await socket.disconnect()

    run(scenario)
