"""Search: one `SearchDocument` per searchable thing a viewer may find.

A document is a flat copy of a thread, a reply, a lesson (one per cohort
space that runs its course, so each finds its way to that cohort's page) or
a space: its title and body as plain text, and the columns that say who may
see it (space, author, hidden, draft). Listeners keep the copies current
from the event log (`listeners.py`); searches never read the originals.

The full-text index beside it depends on the database (see
`migrations/0001_initial.py` and `backends/`): an FTS5 table on SQLite,
a generated ``tsvector`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agora.spaces.models import Space


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        THREAD = "thread", _("Thread")
        REPLY = "reply", _("Reply")
        LESSON = "lesson", _("Lesson")
        SPACE = "space", _("Space")

    kind = models.CharField(max_length=8, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    # The space it is read in: the thread's, the reply's thread's, the cohort
    # space of a lesson, a space's own.
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The thread of a thread or a reply, the course of a lesson.
    thread_id = models.PositiveBigIntegerField(null=True)
    course_id = models.PositiveBigIntegerField(null=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    is_hidden = models.BooleanField(default=False)
    is_draft = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "space"], name="search_document_once"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="search_document_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} in space {self.space_id}"
