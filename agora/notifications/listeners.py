"""Turn discussion events into notifications (fan-out runs here, in the event task)."""

from __future__ import annotations

from agora.core.events import listener
from agora.core.models import Event
from agora.notifications.actions import notify

NOTIFYING_VERBS = (
    "thread.started",
    "thread.edited",
    "reply.posted",
    "reply.edited",
    "answer.accepted",
    "reply.endorsed",
)


@listener(*NOTIFYING_VERBS)
def notify_people(event: Event) -> None:
    notify(event=event)
