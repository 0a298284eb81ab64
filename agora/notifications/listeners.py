"""Turn discussion events into notifications (fan-out runs here, in the event task)."""

from __future__ import annotations

from agora.core.events import listener
from agora.core.models import Event
from agora.notifications.actions import notify
from agora.notifications.queries import forget_unread_counts

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


@listener("space.left", "member.removed")
def recount_after_leaving(event: Event) -> None:
    """Someone who leaves a space no longer sees its notifications: recount their badge."""
    user_id = event.data.get("user_id") if event.verb == "member.removed" else event.actor_id
    if user_id:
        forget_unread_counts([user_id])
