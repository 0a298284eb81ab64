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

Around the posts: `Revision` keeps each earlier version of an edited thread
or reply; `Attachment` holds a checked file on a thread or a reply; a
show-and-tell thread may carry a `core.Video` (file, poster, captions); `Follow`
says who wants to hear of new posts in a thread or a whole space;
`ThreadVisit` remembers when a person last read a thread (unread markers,
"new since your last visit"); `Flag` is a report of a post to the space's
moderators, who hide (`is_hidden`), restore or dismiss it.
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
    is_locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Only facilitators may reply.")
    )
    is_closed = models.BooleanField(
        _("closed"), default=False, help_text=_("Nobody may reply; the thread stays readable.")
    )
    post_first = models.BooleanField(
        _("post before you see others"),
        default=False,
        help_text=_("Learners see classmates' replies only after posting their own."),
    )
    is_deleted = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False, help_text=_("Hidden by a moderator."))
    accepted_reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="threads", verbose_name=_("skills")
    )
    # Show-and-tell posts carry one (core.videos checks and stores it).
    video = models.OneToOneField(
        "core.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="thread"
    )
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

    @property
    def skill_tags(self) -> list[dict]:
        """The thread's skills as {id, name, slug}, by name.

        Read from the `skills_json` annotation when the query had it
        (`queries.with_skills`), else fetched.
        """
        if "skills_json" in self.__dict__:
            tags = self.__dict__["skills_json"] or []
        else:
            tags = list(self.skills.values("id", "name", "slug"))
        return sorted(tags, key=lambda tag: (tag["name"].casefold(), tag["id"]))


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
    is_hidden = models.BooleanField(default=False, help_text=_("Hidden by a moderator."))
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


def _one_post(prefix: str) -> models.CheckConstraint:
    """Exactly one of `thread` and `reply` is set."""
    return models.CheckConstraint(
        condition=(models.Q(thread__isnull=False, reply__isnull=True))
        | (models.Q(thread__isnull=True, reply__isnull=False)),
        name=f"{prefix}_one_post",
    )


class Revision(models.Model):
    """An earlier version of a thread or a reply, saved when it is edited."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=MAX_TITLE, blank=True)
    body = models.TextField(max_length=MAX_BODY, blank=True)
    body_html = models.TextField(blank=True)
    stance = models.CharField(max_length=16, blank=True)
    # When this version was written (the post's creation or its previous edit).
    written_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [_one_post("revision")]
        indexes = [
            models.Index(fields=["thread", "-created_at"], name="revision_thread"),
            models.Index(fields=["reply", "-created_at"], name="revision_reply"),
        ]

    def __str__(self) -> str:
        post = f"thread {self.thread_id}" if self.thread_id else f"reply {self.reply_id}"
        return f"Revision {self.pk} of {post}"


class Attachment(models.Model):
    """A file on a thread or a reply, checked by content and stored under a random name."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [_one_post("attachment")]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """`user` hears of new posts in `thread`, or in every thread of `space`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(thread__isnull=False, space__isnull=True))
                | (models.Q(thread__isnull=True, space__isnull=False)),
                name="follow_thread_or_space",
            ),
            models.UniqueConstraint(fields=["user", "thread"], name="follow_thread_once"),
            models.UniqueConstraint(fields=["user", "space"], name="follow_space_once"),
        ]
        indexes = [
            models.Index(fields=["thread", "user"], name="follow_thread_users"),
            models.Index(fields=["space", "user"], name="follow_space_users"),
        ]

    def __str__(self) -> str:
        target = f"thread {self.thread_id}" if self.thread_id else f"space {self.space_id}"
        return f"{self.user_id} follows {target}"


class ThreadVisit(models.Model):
    """When `user` last read `thread`: what is newer is marked new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="visits")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="thread_visit_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} at {self.seen_at}"


class Flag(models.Model):
    """A report of a thread or a reply to its space's moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        RUDE = "rude", _("Rude or abusive")
        OFF_TOPIC = "off_topic", _("Off topic")
        WRONG = "wrong", _("Wrong or harmful advice")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        HIDDEN = "hidden", _("Post hidden")
        DISMISSED = "dismissed", _("Dismissed")
        RESTORED = "restored", _("Post restored")

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    # The space, kept on the flag so a review queue filters one column.
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            _one_post("flag"),
            models.UniqueConstraint(
                fields=["reporter", "thread"],
                condition=models.Q(status="open"),
                name="flag_thread_open_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=models.Q(status="open"),
                name="flag_reply_open_once",
            ),
        ]
        indexes = [models.Index(fields=["space", "status", "created_at"], name="flag_queue")]

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.reason}, {self.status})"
