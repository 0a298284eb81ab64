"""The live feed websocket: who may listen, and what reaches them (see tests/live.py)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from agora.accounts.models import User
from agora.core.events import deliver, record
from agora.core.models import Event
from agora.spaces.actions import remove_member
from agora.spaces.models import Space
from tests.factories import make_space
from tests.live import channel_layer, headers_for, run, socket_at

__all__ = ["channel_layer"]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _tasks_wait(settings):
    """Keep delivery for the test to trigger: events wait until `deliver(event_id)`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def socket_for(space: Space | int, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    space_id = space if isinstance(space, int) else space.pk
    return socket_at(f"/ws/spaces/{space_id}/", headers)


@database_sync_to_async
def record_and_deliver(space: Space, actor: User, **data) -> Event:
    event = record(actor=actor, verb="space.updated", obj=space, space=space, **data)
    assert deliver(event.pk) is True
    return event


@pytest.fixture
def private_space(facilitator, member) -> Space:
    return make_space(
        creator=facilitator,
        name="Inner Circle",
        visibility=Space.Visibility.PRIVATE,
        members=(member,),
    )


def test_member_receives_rendered_feed_events(channel_layer, private_space, member, facilitator):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(private_space, as_member)
        assert await socket.connect() == (True, None)

        event = await record_and_deliver(private_space, facilitator, space_name="Inner Circle")
        message = await socket.receive_json_from(timeout=10)

        assert sorted(message) == ["event_id", "html", "type"]
        assert (message["type"], message["event_id"]) == ("feed.event", event.pk)
        html = message["html"]
        assert html.startswith(f'<li class="event" id="event-{event.pk}">')
        assert "Fay Facilitator" in html
        assert "updated the details of Inner Circle" in html
        assert await socket.receive_nothing(timeout=0.2) is True
        await socket.disconnect()

    run(scenario)


def test_every_member_of_the_space_receives_the_event(
    channel_layer, private_space, member, facilitator
):
    as_member = headers_for(member)
    as_facilitator = headers_for(facilitator)

    async def scenario() -> None:
        sockets = [socket_for(private_space, as_member), socket_for(private_space, as_facilitator)]
        for socket in sockets:
            assert await socket.connect() == (True, None)

        event = await record_and_deliver(private_space, facilitator, space_name="Inner Circle")

        for socket in sockets:
            message = await socket.receive_json_from(timeout=10)
            assert message["event_id"] == event.pk
            await socket.disconnect()

    run(scenario)


def test_outsider_of_a_private_space_is_refused(channel_layer, private_space, outsider):
    as_outsider = headers_for(outsider)

    async def scenario() -> None:
        socket = socket_for(private_space, as_outsider)
        assert await socket.connect() == (False, 4403)

    run(scenario)


def test_anonymous_visitor_is_refused(channel_layer, private_space):
    anonymous = headers_for(None)

    async def scenario() -> None:
        socket = socket_for(private_space, anonymous)
        assert await socket.connect() == (False, 4403)

    run(scenario)


def test_anonymous_visitor_is_refused_even_in_an_open_space(channel_layer, space):
    anonymous = headers_for(None)

    async def scenario() -> None:
        socket = socket_for(space, anonymous)
        assert await socket.connect() == (False, 4403)

    run(scenario)


def test_any_colleague_may_follow_an_open_space(channel_layer, space, outsider, facilitator):
    as_outsider = headers_for(outsider)

    async def scenario() -> None:
        socket = socket_for(space, as_outsider)
        assert await socket.connect() == (True, None)

        event = await record_and_deliver(space, facilitator, space_name="Data Club")

        assert (await socket.receive_json_from(timeout=10))["event_id"] == event.pk
        await socket.disconnect()

    run(scenario)


def test_guest_is_refused_from_an_open_space_they_are_not_in(channel_layer, space, guest):
    as_guest = headers_for(guest)

    async def scenario() -> None:
        socket = socket_for(space, as_guest)
        assert await socket.connect() == (False, 4403)

    run(scenario)


def test_unknown_space_is_refused(channel_layer, member):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(987654, as_member)
        assert await socket.connect() == (False, 4403)

    run(scenario)


def test_foreign_origin_is_refused(channel_layer, private_space, member):
    as_member_elsewhere = headers_for(member, origin=b"https://evil.example")

    async def scenario() -> None:
        socket = socket_for(private_space, as_member_elsewhere)
        connected, _code = await socket.connect()
        assert connected is False

    run(scenario)


def test_event_in_another_space_is_not_received(channel_layer, private_space, member, facilitator):
    other = make_space(creator=facilitator, name="Elsewhere", members=(member,))

    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(private_space, as_member)
        assert await socket.connect() == (True, None)

        await record_and_deliver(other, facilitator, space_name="Elsewhere")

        assert await socket.receive_nothing(timeout=0.5) is True
        await socket.disconnect()

    run(scenario)


def test_removed_member_stops_receiving_and_is_disconnected(
    channel_layer, private_space, member, facilitator
):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(private_space, as_member)
        assert await socket.connect() == (True, None)

        @database_sync_to_async
        def remove_and_deliver() -> None:
            remove_member(actor=facilitator, space=private_space, user=member)
            event = Event.objects.get(verb="member.removed")
            assert deliver(event.pk) is True

        await remove_and_deliver()

        # The removal itself is not shown to them; the socket is closed instead.
        assert await socket.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_removed_member_receives_nothing_more(channel_layer, private_space, member, facilitator):
    """Also for events that happen after the removal (a second socket stays as control)."""

    as_member = headers_for(member)
    as_facilitator = headers_for(facilitator)

    async def scenario() -> None:
        removed = socket_for(private_space, as_member)
        staying = socket_for(private_space, as_facilitator)
        assert await removed.connect() == (True, None)
        assert await staying.connect() == (True, None)

        @database_sync_to_async
        def remove() -> None:
            remove_member(actor=facilitator, space=private_space, user=member)

        await remove()
        event = await record_and_deliver(private_space, facilitator, space_name="Inner Circle")

        # The removal is pushed as soon as it commits, then the next event.
        removal = await database_sync_to_async(Event.objects.get)(verb="member.removed")
        assert (await staying.receive_json_from(timeout=10))["event_id"] == removal.pk
        assert (await staying.receive_json_from(timeout=10))["event_id"] == event.pk
        output = await removed.receive_output(timeout=10)
        assert output == {"type": "websocket.close", "code": 4403}
        await staying.disconnect()

    run(scenario)


def test_deactivated_account_stops_receiving(channel_layer, private_space, member, facilitator):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(private_space, as_member)
        assert await socket.connect() == (True, None)

        await database_sync_to_async(User.objects.filter(pk=member.pk).update)(is_active=False)
        await record_and_deliver(private_space, facilitator, space_name="Inner Circle")

        output = await socket.receive_output(timeout=10)
        assert output == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_events_outside_the_feed_are_not_pushed(channel_layer, private_space, member, facilitator):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(private_space, as_member)
        assert await socket.connect() == (True, None)

        @database_sync_to_async
        def record_private_event() -> None:
            event = record(
                actor=facilitator, verb="invitation.sent", obj=private_space, space=private_space
            )
            deliver(event.pk)

        await record_private_event()

        assert await socket.receive_nothing(timeout=0.5) is True
        await socket.disconnect()

    run(scenario)


def test_whatever_the_browser_sends_is_ignored(channel_layer, private_space, member, facilitator):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(private_space, as_member)
        assert await socket.connect() == (True, None)

        await socket.send_to(text_data="{not json")
        await socket.send_to(bytes_data=b"\x00\xff")
        await socket.send_json_to({"type": "feed.event", "event_id": 1})
        assert await socket.receive_nothing(timeout=0.2) is True

        event = await record_and_deliver(private_space, facilitator, space_name="Inner Circle")
        assert (await socket.receive_json_from(timeout=10))["event_id"] == event.pk
        await socket.disconnect()

    run(scenario)
