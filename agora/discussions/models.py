"""Discussions: the one engine every kind of space talks with.

A `Thread` lives in a space and has a kind (discussion, question, lesson
prompt, blog post, announcement, show-and-tell). `Reply` rows answer it in two
levels: responses (no parent) and comments on a response (parent set). A
reply to a prompt or to another reply may carry a stance (agree, disagree,
alternative view). `Reaction` rows (helpful, insightful, thanks) are counted
on the reply they mark, so a thread page reads counts without joins.

Markdown is rendered and sanitized when written (`body_html`); pages never
render Markdown. Deleting leaves a tombstone (`is_deleted`) so that the
replies under a deleted response survive.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agora.spaces.models import Space

MAX_TITLE = 200
MAX_BODY = 20_000


class Thread(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        PROMPT = "prompt", _("Lesson prompt")
        BLOG = "blog", _("Blog post")
        ANNOUNCEMENT = "announcement", _("Announcement")
        SHOW_AND_TELL = "show_and_tell", _("Show and tell")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.DISCUSSION)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("body"), max_length=MAX_BODY, blank=True, help_text=_("Markdown."))
    body_html = models.TextField(blank=True, editable=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    post_first = models.BooleanField(
        _("post before you see others"),
        default=False,
        help_text=_("Learners see classmates' replies only after posting their own."),
    )
    is_deleted = models.BooleanField(default=False)
    accepted_reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Counters kept by the actions (F() updates), so lists need no aggregates.
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    agree_count = models.PositiveIntegerField(default=0, editable=False)
    disagree_count = models.PositiveIntegerField(default=0, editable=False)
    alternative_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-pk"]
        indexes = [
            models.Index(
                fields=["space", "-is_pinned", "-last_activity_at"], name="thread_space_recent"
            ),
            models.Index(fields=["space", "kind", "-created_at"], name="thread_space_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("thread_detail", args=[self.space.slug, self.pk])

    @property
    def stance_total(self) -> int:
        return self.agree_count + self.disagree_count + self.alternative_count


class Reply(models.Model):
    class Stance(models.TextChoices):
        NONE = "", _("No stance")
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        ALTERNATIVE = "alternative", _("An alternative view")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="replies"
    )
    body = models.TextField(_("reply"), max_length=MAX_BODY)
    body_html = models.TextField(blank=True, editable=False)
    stance = models.CharField(
        _("stance"), max_length=16, choices=Stance, default=Stance.NONE, blank=True
    )
    is_deleted = models.BooleanField(default=False)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    insightful_count = models.PositiveIntegerField(default=0, editable=False)
    thanks_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "replies"
        indexes = [models.Index(fields=["thread", "created_at"], name="reply_thread_order")]

    def __str__(self) -> str:
        return f"Reply {self.pk} in thread {self.thread_id}"

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#reply-{self.pk}"

    @property
    def is_comment(self) -> bool:
        return self.parent_id is not None


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")
        INSIGHTFUL = "insightful", _("Insightful")
        THANKS = "thanks", _("Thanks")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reply", "user", "kind"], name="reaction_once_per_kind")
        ]
        indexes = [models.Index(fields=["user", "reply"], name="reaction_user_reply")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} on {self.reply_id}"
