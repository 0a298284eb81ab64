"""The event log: written with the action, delivered after commit, retried, replayed."""

from __future__ import annotations

import pytest
from django.db import transaction

from agora.core import events
from agora.core.events import deliver, listener, record, redeliver_pending
from agora.core.models import Event
from agora.spaces.actions import join_space
from agora.spaces.models import Membership
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """Register a test listener for ``test.*`` and return the list of what it saw."""
    seen: list[int] = []
    monkeypatch.setattr(events, "_listeners", list(events._listeners))

    @listener("test.*")
    def remember(event: Event) -> None:
        seen.append(event.pk)

    return seen


def test_record_writes_event_in_the_callers_transaction(member):
    def failing_action() -> None:
        with transaction.atomic():
            record(actor=member, verb="test.happened", obj=member)
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    assert Event.objects.filter(verb="test.happened").exists() is False


def test_event_is_delivered_only_after_commit(member, calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = record(actor=member, verb="test.happened", obj=member, detail="x")
        assert calls == []
    assert len(callbacks) == 1
    assert calls == [event.pk]
    event.refresh_from_db()
    assert event.delivered_at is not None
    assert event.data == {"detail": "x"}
    assert event.target_id == member.pk


def test_failing_listener_never_blocks_the_write_and_is_retried(
    member, calls, monkeypatch, django_capture_on_commit_callbacks
):
    failures = {"left": 1}
    flaky_runs: list[int] = []

    @listener("test.*")
    def flaky(event: Event) -> None:
        flaky_runs.append(event.pk)
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("search index is down")

    with django_capture_on_commit_callbacks(execute=True):
        event = record(actor=member, verb="test.happened", obj=member)
    event.refresh_from_db()
    assert Event.objects.filter(pk=event.pk).exists()
    assert event.delivered_at is None
    assert event.attempts == 1
    assert "search index is down" in event.last_error
    assert calls == [event.pk]  # the healthy listener ran once

    assert deliver(event.pk) is True  # the retry
    event.refresh_from_db()
    assert event.delivered_at is not None
    assert calls == [event.pk]  # not run again: it had already succeeded
    assert flaky_runs == [event.pk, event.pk]


def test_undelivered_events_are_delivered_on_restart(member, calls):
    # A crash after commit: the on_commit hook never ran (no capture here).
    event = record(actor=member, verb="test.happened", obj=member)
    assert calls == []
    assert redeliver_pending() == 1
    assert calls == [event.pk]
    assert redeliver_pending() == 0  # delivered events are not replayed


def test_a_listener_gives_up_after_max_attempts(member, monkeypatch, calls):
    @listener("test.*")
    def broken(event: Event) -> None:
        raise ValueError("always")

    event = record(actor=member, verb="test.happened", obj=member)
    for _ in range(events.MAX_ATTEMPTS):
        redeliver_pending()
    event.refresh_from_db()
    assert event.attempts == events.MAX_ATTEMPTS
    assert redeliver_pending() == 0


def test_join_space_records_event_with_its_write(outsider, django_capture_on_commit_callbacks):
    space = make_space(name="Open club")
    with django_capture_on_commit_callbacks(execute=True):
        membership = join_space(user=outsider, space=space)
    event = Event.objects.get(verb="space.joined")
    assert event.actor == outsider
    assert event.space == space
    assert event.target_id == membership.pk
    assert event.data["space_name"] == "Open club"
    assert event.delivered_at is not None
    assert Membership.objects.filter(space=space, user=outsider).exists()


def test_space_activity_listener_is_idempotent(member):
    space = make_space(name="Idempotent", members=(member,))
    event = Event.objects.get(verb="space.created", space=space)
    deliver(event.pk)
    Event.objects.filter(pk=event.pk).update(delivered_at=None, delivered_to=[])
    deliver(event.pk)
    space.refresh_from_db()
    assert space.last_activity_at == event.created_at


def test_unknown_verb_has_no_listeners_but_is_delivered():
    user = UserFactory()
    event = record(actor=user, verb="nobody.listens", obj=user)
    assert deliver(event.pk) is True
