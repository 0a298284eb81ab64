"""The email of a notification: text and HTML parts, one-click unsubscribe (RFC 8058).

Each email carries a signed link that turns off that kind of email for its
recipient without signing in, both in the body and in the
``List-Unsubscribe`` headers that mail clients show as an "Unsubscribe"
button (they POST ``List-Unsubscribe=One-Click`` to it).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agora.notifications.models import Notification

logger = logging.getLogger(__name__)


def enqueue_for_event(event_id: int) -> None:
    """Queue the emails of an event's notifications (after the notifications commit)."""
    from agora.notifications.tasks import send_notification_emails

    try:
        send_notification_emails.enqueue(event_id=event_id)
    except Exception:
        # The rows say what is owed (emailed_at is empty); never fail the delivery.
        logger.exception("Could not enqueue the emails of event %s", event_id)


def absolute(path: str) -> str:
    return settings.AGORA_BASE_URL + path


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """Return the email for `notification` (its recipient, kind and unsubscribe link)."""
    from agora.notifications.actions import unsubscribe_token

    recipient = notification.recipient
    token = unsubscribe_token(user=recipient, kind=notification.kind)
    unsubscribe_url = absolute(reverse("notification_unsubscribe", args=[token]))
    context = {
        "notification": notification,
        "recipient": recipient,
        "site_name": settings.AGORA_SITE_NAME,
        "link": absolute(reverse("notification_open", args=[notification.pk])),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute(reverse("notification_preferences")),
        "kind_label": notification.get_kind_display(),
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    subject = " ".join(notification.text.split())[:200]
    message = EmailMultiAlternatives(
        subject=f"[{settings.AGORA_SITE_NAME}] {subject}",
        body=text,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_for_event(event_id: int) -> int:
    """Send each email still owed for the notifications of event `event_id`.

    A notification is claimed (``emailed_at`` set) before its email is sent,
    so two workers never send it twice; a crash between the two loses that
    one email rather than repeating it.
    """
    owed = Notification.objects.filter(
        event_id=event_id, by_email=True, emailed_at__isnull=True
    ).select_related("recipient")
    sent = 0
    for notification in owed:
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not notification.recipient.is_active:
            continue
        build_message(notification).send()
        sent += 1
    return sent
