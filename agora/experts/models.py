"""Expertise: what colleagues vouch for and what a person's work shows.

A `SkillEndorsement` is one colleague's word that a person has a skill (once
each, with an optional note; the person may hide it). `Expertise` is the
derived row per person x skill: the evidence counted by kind and the score
that `scoring` computes from it. It is rewritten from its sources whenever
an event touches them, so it never drifts from what it summarizes. An
`ExpertRequest` is a question put to an expert: a private conversation
(a thread in a space of its own), answered or not, rated helpful or not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_NOTE = 280


class SkillEndorsement(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_received"
    )
    skill = models.ForeignKey(
        "accounts.Skill", on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    note = models.CharField(_("note"), max_length=MAX_NOTE, blank=True)
    is_hidden = models.BooleanField(
        default=False, help_text=_("Hidden by the person endorsed; it no longer counts.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "skill", "endorser"], name="endorsement_once_each"
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("endorser")), name="endorsement_not_self"
            ),
        ]
        indexes = [models.Index(fields=["person", "skill"], name="endorsement_person_skill")]

    def __str__(self) -> str:
        return f"{self.endorser_id} endorses {self.person_id} for {self.skill_id}"


class Expertise(models.Model):
    """One person's standing on one skill, derived from evidence (see `scoring`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expertise"
    )
    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="experts")
    # The declared level ("" when the person claims nothing, yet has evidence).
    level = models.CharField(max_length=16, blank=True)
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    accepted_answers = models.PositiveIntegerField(default=0)
    endorsed_replies = models.PositiveIntegerField(default=0)
    helpful_reactions = models.PositiveIntegerField(default=0)
    endorsements = models.PositiveIntegerField(default=0)
    facilitated_spaces = models.PositiveIntegerField(default=0)
    helpful_requests = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="expertise_once_per_skill")
        ]
        indexes = [
            # Strongest first, ties by person: the order search and the skill page read.
            models.Index(fields=["skill", "-score", "user"], name="expertise_skill_rank"),
            models.Index(fields=["user", "-score"], name="expertise_user_score"),
        ]
        verbose_name_plural = _("expertise")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.skill_id}: {self.score:.1f}"

    @property
    def evidence_count(self) -> int:
        return (
            self.accepted_answers
            + self.endorsed_replies
            + self.helpful_reactions
            + self.endorsements
            + self.facilitated_spaces
            + self.helpful_requests
        )


class ExpertRequest(models.Model):
    """A question put to an expert, discussed in a private thread."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_asked"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_received"
    )
    skill = models.ForeignKey(
        "accounts.Skill",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_requests",
    )
    thread = models.OneToOneField(
        "discussions.Thread", on_delete=models.CASCADE, related_name="expert_request"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    is_helpful = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["expert", "status"], name="request_expert_status"),
            models.Index(fields=["asker", "-created_at"], name="request_asker_recent"),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}: {self.asker_id} → {self.expert_id} ({self.status})"


class PersonDocument(models.Model):
    """The people index: one flat, searchable copy of each active person.

    Written by `people_index` from the profile, the skills (claimed or with
    evidence, with aliases and parent names) and a bounded sample of the
    person's posts in open spaces; the full-text index beside it is an FTS5
    table on SQLite and a generated ``tsvector`` with a GIN index on
    PostgreSQL (migration ``0002``). Searches never read the originals.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="person_document",
    )
    name = models.TextField(blank=True)
    # Skill names, their aliases and their parents' names.
    skills = models.TextField(blank=True)
    # Title, department, location, bio, interests.
    about = models.TextField(blank=True)
    # Titles and text of recent posts in open spaces, capped in size.
    work = models.TextField(blank=True)
    department = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    open_to_questions = models.BooleanField(default=True)
    availability = models.CharField(max_length=12, blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["department"], name="persondoc_department"),
            models.Index(fields=["location"], name="persondoc_location"),
        ]

    def __str__(self) -> str:
        return f"Person document {self.user_id}"


class NameVariant(models.Model):
    """A word of someone's name, or that word less one letter (for typos).

    A query word within one edit of a name word shares a variant with it
    (deletions only: the SymSpell idea), found by one indexed lookup on either
    database.
    """

    variant = models.CharField(max_length=64)
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "token"], name="name_variant_once")
        ]

    def __str__(self) -> str:
        return f"{self.variant} → {self.token}"
