"""Record events with the write, deliver them to listeners after commit.

    record(actor=user, verb="space.joined", obj=membership, space=space)

`record` writes the `Event` in the caller's transaction. Once that transaction
commits, `deliver_event` runs as a background task and hands the event to
every listener registered for its verb; pushers (live updates) run at once
in the committing process. A listener that raises is logged and
retried later with backoff; it never undoes or blocks the write. Events left
undelivered by a crash are found by `redeliver_pending` (run when the server
and worker start), so listeners must be safe to run twice.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django_tasks import default_task_backend, task

from agora.core.models import Event

if TYPE_CHECKING:
    from agora.accounts.models import User
    from agora.spaces.models import Space

logger = logging.getLogger(__name__)

Listener = Callable[[Event], None]
MAX_ATTEMPTS = 8
_listeners: list[tuple[str, str, Listener]] = []
_pushers: list[tuple[str, Listener]] = []


def listener(*patterns: str) -> Callable[[Listener], Listener]:
    """Register the decorated function for verbs matching `patterns` (globs).

    ``@listener("space.*")`` runs for every space event, ``@listener("*")`` for
    all. Listeners are registered from each app's ``listeners`` module, which
    its AppConfig imports in ``ready()``.
    """

    def register(function: Listener) -> Listener:
        name = f"{function.__module__}.{function.__qualname__}"
        _listeners.extend((pattern, name, function) for pattern in patterns)
        return function

    return register


def pusher(*patterns: str) -> Callable[[Listener], Listener]:
    """Register the decorated function to run right after the event's transaction
    commits, in the process that wrote it (not in the task): live pushes.

    A pusher must be quick (one ``group_send``) and may fail: its errors are
    logged and ignored, because live pages catch up from the event log.
    """

    def register(function: Listener) -> Listener:
        _pushers.extend((pattern, function) for pattern in patterns)
        return function

    return register


def _push(event: Event) -> None:
    for pattern, function in _pushers:
        if fnmatch.fnmatchcase(event.verb, pattern):
            try:
                function(event)
            except Exception:
                logger.exception("Pusher %s failed on event %s", function.__qualname__, event.pk)


def listeners_for(verb: str) -> list[tuple[str, Listener]]:
    """Return the (name, function) pairs that listen to `verb`, in order."""
    seen: dict[str, Listener] = {}
    for pattern, name, function in _listeners:
        if fnmatch.fnmatchcase(verb, pattern):
            seen.setdefault(name, function)
    return list(seen.items())


def record(
    *,
    actor: User | None,
    verb: str,
    obj: Model | None = None,
    space: Space | None = None,
    **data: Any,
) -> Event:
    """Write an Event in the caller's transaction; deliver it once that commits."""
    event = Event.objects.create(
        actor=actor,
        verb=verb,
        target_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        target_id=obj.pk if obj is not None else None,
        space=space,
        data=data,
    )
    transaction.on_commit(lambda: _after_commit(event))
    return event


def _after_commit(event: Event) -> None:
    _push(event)  # live pages first: a group_send each, no waiting on the worker
    _enqueue(event.pk)


def _enqueue(event_id: int, *, delay: timedelta | None = None) -> None:
    try:
        if delay and default_task_backend.supports_defer:
            deliver_event.using(run_after=timezone.now() + delay).enqueue(event_id=event_id)
        elif not delay:
            deliver_event.enqueue(event_id=event_id)
    except Exception:
        # The event is committed; the sweep delivers it later. Never fail the write.
        logger.exception("Could not enqueue delivery of event %s", event_id)


@task()
def deliver_event(*, event_id: int) -> None:
    """Hand one event to each listener of its verb that has not yet run."""
    deliver(event_id)


def deliver(event_id: int) -> bool:
    """Run the pending listeners of one event; return True once all have run.

    Each listener runs in its own savepoint; a listener that raises is
    logged, and the event is scheduled again with exponential backoff.
    """
    event = (
        Event.objects.select_related("actor", "space", "target_type")
        .filter(pk=event_id, delivered_at__isnull=True)
        .first()
    )
    if event is None:
        return True
    done = set(event.delivered_to)
    errors = []
    for name, function in listeners_for(event.verb):
        if name in done:
            continue
        try:
            with transaction.atomic():
                function(event)
        except Exception as error:
            logger.exception("Listener %s failed on event %s", name, event.pk)
            errors.append(f"{name}: {error!r}")
        else:
            done.add(name)
    if errors:
        Event.objects.filter(pk=event.pk).update(
            delivered_to=sorted(done), attempts=F("attempts") + 1, last_error="\n".join(errors)
        )
        attempts = event.attempts + 1
        if attempts < MAX_ATTEMPTS:
            _enqueue(event.pk, delay=timedelta(seconds=2**attempts))
        return False
    Event.objects.filter(pk=event.pk).update(
        delivered_to=sorted(done), delivered_at=timezone.now(), last_error=""
    )
    return True


def redeliver_pending(*, older_than: timedelta = timedelta(seconds=0), limit: int = 10_000) -> int:
    """Deliver events a crash or a failing listener left behind; return how many ran.

    Runs inline (not as tasks) so that a restart catches up before serving.
    """
    cutoff = timezone.now() - older_than
    pending = list(
        Event.objects.filter(
            delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lte=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in pending:
        deliver(event_id)
    return len(pending)
