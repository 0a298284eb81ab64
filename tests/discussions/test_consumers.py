"""The live thread: who receives which replies, and catching up after a drop.

Replies are posted through the actions, and delivered at once (the tests'
immediate task backend), as they would be after the request commits.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from agora.accounts.models import User
from agora.core.models import Event
from agora.discussions import actions
from agora.discussions.consumers import ThreadConsumer
from agora.discussions.models import Thread
from agora.spaces.actions import remove_member
from agora.spaces.models import Membership, Space
from tests.factories import UserFactory, add_member, make_space
from tests.live import channel_layer, headers_for, run, socket_at

__all__ = ["channel_layer"]
pytestmark = pytest.mark.django_db(transaction=True)


def socket_for(thread: Thread | int, headers, query: str = "") -> WebsocketCommunicator:
    thread_id = thread if isinstance(thread, int) else thread.pk
    return socket_at(f"/ws/threads/{thread_id}/" + (f"?{query}" if query else ""), headers)


post = database_sync_to_async(actions.post_reply)


@pytest.fixture
def private_space(facilitator, member, learner_person) -> Space:
    return make_space(
        creator=facilitator,
        name="Inner Circle",
        visibility=Space.Visibility.PRIVATE,
        members=(member, learner_person),
    )


@pytest.fixture
def learner_person(db) -> User:
    return UserFactory(name="Leo Learner")


@pytest.fixture
def thread(private_space, member) -> Thread:
    return actions.start_thread(author=member, space=private_space, title="Charts", body="Bars?")


@pytest.fixture
def prompt(private_space, facilitator) -> Thread:
    return actions.start_thread(
        author=facilitator,
        space=private_space,
        kind="prompt",
        title="Your chart?",
        body="Share one.",
        post_first=True,
    )


def test_a_new_reply_reaches_the_thread_page(channel_layer, thread, member, learner_person):
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(thread, as_member)
        assert await socket.connect() == (True, None)

        reply = await post(author=learner_person, thread=thread, body="Lines are better.")
        message = await socket.receive_json_from(timeout=10)

        event = await database_sync_to_async(Event.objects.get)(verb="reply.posted")
        assert sorted(message) == [
            "event_id",
            "html",
            "parent_id",
            "reply_heading",
            "reply_id",
            "stance_summary",
            "type",
        ]
        assert message["type"] == "thread.reply"
        assert (message["event_id"], message["reply_id"]) == (event.pk, reply.pk)
        assert message["parent_id"] is None
        assert message["reply_heading"] == "1 reply"
        html = message["html"]
        assert html.startswith(f'<li class="response" id="reply-{reply.pk}">')
        assert "<p>Lines are better.</p>" in html
        assert "Leo Learner" in html
        # Rendered for the viewer: the member may react to someone else's reply.
        assert 'name="add" value="helpful"' in html
        assert "csrfmiddlewaretoken" not in html  # the page script adds the page's token
        assert await socket.receive_nothing(timeout=0.2) is True
        await socket.disconnect()

    run(scenario)


def test_edits_reactions_and_deletions_update_the_reply(
    channel_layer, thread, member, learner_person
):
    as_member = headers_for(member)
    reply = actions.post_reply(author=learner_person, thread=thread, body="First take.")

    async def scenario() -> None:
        socket = socket_for(thread, as_member)
        assert await socket.connect() == (True, None)

        await database_sync_to_async(actions.edit_reply)(
            editor=learner_person, reply=reply, body="Second take."
        )
        edited = await socket.receive_json_from(timeout=10)
        assert edited["reply_id"] == reply.pk
        assert "<p>Second take.</p>" in edited["html"]
        assert ">edited</a>" in edited["html"]

        await database_sync_to_async(actions.react)(user=member, reply=reply, kind="helpful")
        reacted = await socket.receive_json_from(timeout=10)
        # The member's own reaction shows pressed, as on their page.
        assert 'name="remove" value="helpful" aria-pressed="true"' in reacted["html"]
        assert '<span class="reaction-count">1</span>' in reacted["html"]

        await database_sync_to_async(actions.unreact)(user=member, reply=reply, kind="helpful")
        unreacted = await socket.receive_json_from(timeout=10)
        assert 'name="add" value="helpful" aria-pressed="false"' in unreacted["html"]

        await database_sync_to_async(actions.delete_reply)(actor=learner_person, reply=reply)
        deleted = await socket.receive_json_from(timeout=10)
        assert "This reply was deleted." in deleted["html"]
        assert "Second take." not in deleted["html"]
        assert deleted["reply_heading"] == "0 replies"
        await socket.disconnect()

    run(scenario)


def test_stance_counts_arrive_with_the_reply(channel_layer, prompt, facilitator, member):
    as_facilitator = headers_for(facilitator)

    async def scenario() -> None:
        socket = socket_for(prompt, as_facilitator)
        assert await socket.connect() == (True, None)

        await post(author=member, thread=prompt, body="Agreed.", stance="agree")
        message = await socket.receive_json_from(timeout=10)
        assert message["stance_summary"] == "1 agree"
        await socket.disconnect()

    run(scenario)


def test_a_post_first_prompt_pushes_nothing_to_who_has_not_answered(
    channel_layer, prompt, facilitator, member, learner_person
):
    as_learner = headers_for(learner_person)
    as_facilitator = headers_for(facilitator)

    async def scenario() -> None:
        waiting = socket_for(prompt, as_learner)
        teacher = socket_for(prompt, as_facilitator)
        assert await waiting.connect() == (True, None)
        assert await teacher.connect() == (True, None)

        reply = await post(author=member, thread=prompt, body="My secret chart.")

        assert (await teacher.receive_json_from(timeout=10))["reply_id"] == reply.pk
        assert await waiting.receive_nothing(timeout=0.5) is True

        # Once the learner has answered, the others' replies reach them.
        await post(author=learner_person, thread=prompt, body="Mine.")
        own = await waiting.receive_json_from(timeout=10)
        assert "Mine." in own["html"]
        await post(author=member, thread=prompt, body="Another one.")
        assert "Another one." in (await waiting.receive_json_from(timeout=10))["html"]
        await waiting.disconnect()
        await teacher.disconnect()

    run(scenario)


def test_a_hidden_reply_is_pushed_as_hidden_to_those_who_may_not_read_it(
    channel_layer, thread, facilitator, member, learner_person
):
    reply = actions.post_reply(author=learner_person, thread=thread, body="Rude words.")
    as_member = headers_for(member)
    as_author = headers_for(learner_person)

    async def scenario() -> None:
        reader = socket_for(thread, as_member)
        author = socket_for(thread, as_author)
        assert await reader.connect() == (True, None)
        assert await author.connect() == (True, None)

        await database_sync_to_async(actions.hide_post)(actor=facilitator, post=reply)
        hidden = await reader.receive_json_from(timeout=10)
        assert "This post was hidden by a moderator." in hidden["html"]
        assert "Rude words." not in hidden["html"]
        assert "Rude words." in (await author.receive_json_from(timeout=10))["html"]

        # An edit of the hidden reply stays hidden from the reader.
        await database_sync_to_async(actions.edit_reply)(
            editor=learner_person, reply=reply, body="Ruder words."
        )
        edited = await reader.receive_json_from(timeout=10)
        assert "Ruder words." not in edited["html"]
        assert "Ruder words." in (await author.receive_json_from(timeout=10))["html"]
        await reader.disconnect()
        await author.disconnect()

    run(scenario)


@pytest.mark.parametrize("who", ["outsider", "guest", "anonymous"])
def test_who_may_not_read_the_space_is_refused(channel_layer, thread, outsider, guest, who):
    headers = headers_for({"outsider": outsider, "guest": guest, "anonymous": None}[who])

    async def scenario() -> None:
        socket = socket_for(thread, headers)
        assert await socket.connect() == (False, 4403)

    run(scenario)


def test_a_guest_member_may_listen_but_a_guest_outside_may_not(
    channel_layer, private_space, thread, guest, learner_person
):
    add_member(private_space, guest)
    as_guest = headers_for(guest)

    async def scenario() -> None:
        socket = socket_for(thread, as_guest)
        assert await socket.connect() == (True, None)
        await post(author=learner_person, thread=thread, body="Hello guest.")
        assert "Hello guest." in (await socket.receive_json_from(timeout=10))["html"]
        await socket.disconnect()

    run(scenario)


def test_an_unknown_thread_is_refused(channel_layer, member):
    as_member = headers_for(member)

    async def scenario() -> None:
        assert await socket_for(987654, as_member).connect() == (False, 4403)

    run(scenario)


def test_a_removed_member_is_disconnected_and_sent_nothing(
    channel_layer, private_space, thread, facilitator, member, learner_person
):
    as_learner = headers_for(learner_person)

    async def scenario() -> None:
        socket = socket_for(thread, as_learner)
        assert await socket.connect() == (True, None)

        await database_sync_to_async(remove_member)(
            actor=facilitator, space=private_space, user=learner_person
        )
        await post(author=member, thread=thread, body="After you left.")

        assert await socket.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_a_deactivated_account_is_disconnected(channel_layer, thread, member, learner_person):
    as_learner = headers_for(learner_person)

    async def scenario() -> None:
        socket = socket_for(thread, as_learner)
        assert await socket.connect() == (True, None)

        await database_sync_to_async(User.objects.filter(pk=learner_person.pk).update)(
            is_active=False
        )
        await post(author=member, thread=thread, body="Anyone?")

        assert await socket.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_replies_of_another_thread_are_not_received(
    channel_layer, private_space, thread, member, learner_person
):
    other = actions.start_thread(author=member, space=private_space, title="Other", body="x")
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(thread, as_member)
        assert await socket.connect() == (True, None)
        await post(author=learner_person, thread=other, body="Elsewhere.")
        assert await socket.receive_nothing(timeout=0.5) is True
        await socket.disconnect()

    run(scenario)


# --- Catching up -----------------------------------------------------------------------


def test_reconnecting_replays_the_replies_posted_meanwhile(
    channel_layer, thread, member, learner_person
):
    first = actions.post_reply(author=learner_person, thread=thread, body="Before the drop.")
    seen = Event.objects.get(verb="reply.posted").pk
    missed = [
        actions.post_reply(author=learner_person, thread=thread, body=f"Missed {n}.")
        for n in range(3)
    ]
    actions.edit_reply(editor=learner_person, reply=missed[0], body="Missed 0, edited.")
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(thread, as_member, query=f"after={seen}")
        assert await socket.connect() == (True, None)

        messages = [await socket.receive_json_from(timeout=10) for _ in missed]
        # One message per reply, as it is now, in the order of their newest events.
        assert [m["reply_id"] for m in messages] == [missed[1].pk, missed[2].pk, missed[0].pk]
        assert "Missed 0, edited." in messages[2]["html"]
        assert first.pk not in [m["reply_id"] for m in messages]
        assert await socket.receive_nothing(timeout=0.3) is True
        await socket.disconnect()

    run(scenario)


def test_a_page_catches_up_from_the_time_it_was_rendered(
    channel_layer, thread, member, learner_person
):
    import time

    actions.post_reply(author=learner_person, thread=thread, body="On the page.")
    rendered = time.time()
    time.sleep(0.05)
    late = actions.post_reply(author=learner_person, thread=thread, body="Before the socket.")
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(thread, as_member, query=f"since={rendered}")
        assert await socket.connect() == (True, None)
        assert (await socket.receive_json_from(timeout=10))["reply_id"] == late.pk
        assert await socket.receive_nothing(timeout=0.3) is True
        await socket.disconnect()

    run(scenario)


def test_catching_up_keeps_a_post_first_prompt_concealed(
    channel_layer, prompt, member, learner_person
):
    actions.post_reply(author=member, thread=prompt, body="Hidden until you answer.")
    as_learner = headers_for(learner_person)

    async def scenario() -> None:
        socket = socket_for(prompt, as_learner, query="after=0")
        assert await socket.connect() == (True, None)
        assert await socket.receive_nothing(timeout=0.5) is True
        await socket.disconnect()

    run(scenario)


def test_too_much_to_catch_up_asks_for_a_reload(
    channel_layer, thread, member, learner_person, monkeypatch
):
    monkeypatch.setattr("agora.core.live.CATCH_UP_LIMIT", 2)
    seen = Event.objects.order_by("-pk").first().pk
    for n in range(3):
        actions.post_reply(author=learner_person, thread=thread, body=f"Reply {n}.")
    newest = Event.objects.filter(verb="reply.posted").order_by("-pk").first().pk
    as_member = headers_for(member)

    async def scenario() -> None:
        socket = socket_for(thread, as_member, query=f"after={seen}")
        assert await socket.connect() == (True, None)
        assert await socket.receive_json_from(timeout=10) == {
            "type": "live.reload",
            "event_id": newest,
        }
        assert await socket.receive_nothing(timeout=0.3) is True
        await socket.disconnect()

    run(scenario)


def test_bad_catch_up_values_are_ignored(channel_layer, thread, member):
    as_member = headers_for(member)

    async def scenario() -> None:
        for query in ("after=abc", "after=-3", "since=tomorrow", "after=1&after=x"):
            socket = socket_for(thread, as_member, query=query)
            assert await socket.connect() == (True, None)
            await socket.disconnect()

    run(scenario)


# --- Rendering once for many viewers --------------------------------------------------


def consumer_of(thread: Thread) -> ThreadConsumer:
    consumer = ThreadConsumer()
    consumer.scope = {"url_route": {"kwargs": {"thread_id": thread.pk}}}
    consumer.query = {}
    return consumer


def test_what_is_worked_out_once_for_all_is_what_each_would_get_alone(
    private_space, thread, prompt, facilitator, member, learner_person, admin_user, outsider
):
    """The live batch renders once per set of viewers who see the same: for every
    viewer it must give exactly what rendering for that viewer alone gives."""
    staff = UserFactory(name="Sam Staff", org_role=User.OrgRole.STAFF)
    guest_member = UserFactory(name="Gus Guest", org_role=User.OrgRole.GUEST)
    add_member(private_space, guest_member, Membership.Role.GUEST)
    reactor, quiet, gone = UserFactory(name="Ria"), UserFactory(name="Quinn"), UserFactory()
    bystander = UserFactory(name="Bea")  # the reactor's standing, and nothing written
    for person in (reactor, quiet, gone, bystander):
        add_member(private_space, person)
    viewers = [facilitator, member, learner_person, admin_user, outsider, staff]
    viewers += [bystander, guest_member, reactor, quiet, gone]
    reply = actions.post_reply(author=learner_person, thread=thread, body="Lines.")
    actions.react(user=reactor, reply=reply, kind="helpful")
    rude = actions.post_reply(author=quiet, thread=thread, body="Rude.")
    actions.hide_post(actor=facilitator, post=rude)
    answer = actions.post_reply(author=member, thread=prompt, body="My chart.")
    actions.post_reply(author=quiet, thread=prompt, body="Mine too.")
    User.objects.filter(pk=gone.pk).update(is_active=False)

    for shown, events in [
        (thread, list(Event.objects.filter(verb__startswith="reply.", data__thread_id=thread.pk))),
        (thread, list(Event.objects.filter(verb="post.hidden"))),
        (prompt, list(Event.objects.filter(data__reply_id=answer.pk))),
    ]:
        consumer = consumer_of(shown)
        together = consumer.deliveries([viewer.pk for viewer in viewers], events)
        alone = {}
        for viewer in viewers:
            fresh = User.objects.get(pk=viewer.pk)
            if fresh.is_active and consumer.may_listen(fresh):
                alone[viewer.pk] = consumer.render_for([fresh], events).get(viewer.pk, [])
        assert together == alone
        # Those who may not read the space are left out (and disconnected).
        assert outsider.pk not in together
        assert gone.pk not in together
        # The comparison is of renderings, not of empty lists.
        assert together[facilitator.pk] != []
    # The post-first prompt: who has not answered gets nothing, who has gets the reply.
    assert together[reactor.pk] == []
    assert together[quiet.pk] != []


def test_the_batch_tells_who_reacted_wrote_and_moderates_apart(
    private_space, thread, facilitator, member, learner_person
):
    bystander, reactor = UserFactory(name="Bea"), UserFactory(name="Ria")
    add_member(private_space, bystander)
    add_member(private_space, reactor)
    reply = actions.post_reply(author=learner_person, thread=thread, body="Lines.")
    actions.react(user=reactor, reply=reply, kind="helpful")
    events = list(Event.objects.filter(verb="reply.reacted"))

    together = consumer_of(thread).deliveries(
        [bystander.pk, reactor.pk, facilitator.pk, learner_person.pk], events
    )

    html = {pk: messages[0]["html"] for pk, messages in together.items()}
    assert 'aria-pressed="true"' in html[reactor.pk]
    assert 'aria-pressed="true"' not in html[bystander.pk]
    assert ">Edit<" in html[learner_person.pk]
    assert ">Edit<" not in html[bystander.pk]
    assert html[facilitator.pk] != html[bystander.pk]  # moderation controls
