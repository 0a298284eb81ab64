"""Helpers of the websocket tests: a channel layer per test, sessions, sockets.

Each test drives the full ASGI application (origin check, session auth,
routing, consumer) with a real session cookie, on the in-memory channel
layer and, when ``AGORA_TEST_REDIS_URL`` is set (CI sets it), on the Redis
pub/sub layer that production uses.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from agora.accounts.models import User
from agora.asgi import application

ORIGIN = b"http://testserver"
REDIS_URL = os.environ.get("AGORA_TEST_REDIS_URL", "")
LAYERS = {
    "memory": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    "redis": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    },
}
LAYER_NAMES = ["memory", "redis"] if REDIS_URL else ["memory"]


@pytest.fixture(params=LAYER_NAMES)
def channel_layer(request, settings):
    """Use one channel layer for the test; a fresh one, so no state leaks between tests."""
    config = dict(LAYERS[request.param])
    if request.param == "redis":
        # A prefix of its own keeps parallel test runs on one Redis apart.
        config["CONFIG"] = {**config["CONFIG"], "prefix": f"agora-test-{uuid.uuid4().hex}"}
    settings.CHANNEL_LAYERS = {"default": config}
    channel_layers.backends = {}
    yield request.param
    channel_layers.backends = {}


def headers_for(user: User | None, origin: bytes = ORIGIN) -> list[tuple[bytes, bytes]]:
    """Return the handshake headers of a browser logged in as `user` (sync: needs the db)."""
    headers = [(b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


def socket_at(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=headers)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario, then close the layer's connections on the same loop."""

    async def wrapped() -> None:
        try:
            await scenario()
        finally:
            await get_channel_layer().flush()

    async_to_sync(wrapped)()
