"""Background work: the emails of notifications."""

from __future__ import annotations

from django_tasks import task

from agora.notifications import emails


@task()
def send_notification_emails(*, event_id: int) -> int:
    """Send the emails owed for the notifications of one event; return how many."""
    return emails.send_for_event(event_id)
