"""Notifications: what happened that a person should hear of, and how they hear of it.

A `Notification` tells one recipient of one event (a reply to their thread,
a mention…): at most one per recipient and event, of the most specific kind.
It keeps a snapshot of its sentence, the post's snippet and the link, so the
list needs no joins, and `read_at` once read. `by_email` says that the
recipient's preference for its kind was email when it was made; `emailed_at`
that the email went out.

A `Preference` row overrides the default channel (email, in the app, off)
of one kind for one person; kinds without a row use `DEFAULT_CHANNELS`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # In order of precedence: one event gives a person the first kind that fits.
    COMMENT = "comment", _("Comments on my replies")
    MENTION = "mention", _("Mentions of me")
    REPLY = "reply", _("Replies to my threads")
    ANSWER_ACCEPTED = "answer_accepted", _("My answer accepted")
    ENDORSED = "endorsed", _("My reply endorsed by a facilitator")
    PROMPT = "prompt", _("New lesson prompts in my courses")
    FOLLOWED = "followed", _("New posts in threads and spaces I follow")
    EXPERT_REQUEST = "expert_request", _("Questions asked of me as an expert")
    REQUEST_ANSWERED = "request_answered", _("My answers to questions marked answered or helpful")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email and in the app")
    APP = "app", _("In the app only")
    OFF = "off", _("Off")


DEFAULT_CHANNELS: dict[str, str] = {
    Kind.COMMENT: Channel.EMAIL,
    Kind.MENTION: Channel.EMAIL,
    Kind.REPLY: Channel.EMAIL,
    Kind.ANSWER_ACCEPTED: Channel.EMAIL,
    Kind.ENDORSED: Channel.APP,
    Kind.PROMPT: Channel.APP,
    Kind.FOLLOWED: Channel.APP,
    Kind.EXPERT_REQUEST: Channel.EMAIL,
    Kind.REQUEST_ANSWERED: Channel.APP,
}


class Notification(models.Model):
    Kind = Kind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    event = models.ForeignKey("core.Event", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "discussions.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(max_length=500)
    text = models.CharField(max_length=500)
    snippet = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    by_email = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} (event {self.event_id})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    channel = models.CharField(max_length=8, choices=Channel)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} by {self.channel}"
