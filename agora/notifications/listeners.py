"""Turn discussion events into notifications (fan-out runs here, in the event task)."""

from __future__ import annotations

from django.db import transaction

from agora.core.events import listener
from agora.core.live import push
from agora.core.models import Event
from agora.notifications.actions import notify
from agora.notifications.consumers import group_of
from agora.notifications.queries import forget_unread_counts

NOTIFYING_VERBS = (
    "thread.started",
    "thread.edited",
    "reply.posted",
    "reply.edited",
    "answer.accepted",
    "reply.endorsed",
    "expert_request.asked",
    "expert_request.answered",
    "expert_request.rated",
)


@listener(*NOTIFYING_VERBS)
def notify_people(event: Event) -> None:
    notifications = notify(event=event)
    recipients = sorted({notification.recipient_id for notification in notifications})
    if recipients:
        # After the unread counts are forgotten (notify's own on_commit, registered first).
        transaction.on_commit(lambda: _push_counts(recipients, event.pk))


def _push_counts(recipient_ids: list[int], event_id: int) -> None:
    """Tell each recipient's open pages that their unread count changed."""
    for user_id in recipient_ids:
        push(group_of(user_id), event_id)


@listener("space.left", "member.removed")
def recount_after_leaving(event: Event) -> None:
    """Someone who leaves a space no longer sees its notifications: recount their badge."""
    user_id = event.data.get("user_id") if event.verb == "member.removed" else event.actor_id
    if user_id:
        forget_unread_counts([user_id])
