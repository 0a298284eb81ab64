"""The event log: one row per thing that happened, written with the action.

An `Event` names who did it (actor), what (verb, ``<noun>.<past participle>``),
to what (target, a content type and id), where (space) and a small JSON
payload. It is the activity feed, the source of notifications and analytics,
and the outbox for listeners: `delivered_at` stays empty until every listener
has run, so a crash loses nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Event(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Delivery bookkeeping (the outbox): listeners already run, tries, last error.
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_to = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["space", "-created_at"], name="event_space_recent"),
            models.Index(fields=["actor", "-created_at"], name="event_actor_recent"),
            models.Index(fields=["verb", "-created_at"], name="event_verb_recent"),
            models.Index(
                fields=["created_at"],
                name="event_undelivered",
                condition=models.Q(delivered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} #{self.pk}"


class Video(models.Model):
    """A short checked video with its poster and captions, shared by posts and lessons.

    A show-and-tell thread or a lesson points at one. The file, the poster
    (taken by ffmpeg in a task, when installed) and the WebVTT captions are
    kept through Django's storage API under random names, and served by
    permission-checked views of the app that owns the video.
    """

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    duration = models.FloatField(null=True, blank=True)
    poster = models.FileField(max_length=200, blank=True)
    captions = models.FileField(max_length=200, blank=True)
    captions_language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
