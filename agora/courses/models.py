"""Courses: what is taught, to whom, and what the learners did with it.

A `Course` has instructors and ordered `Lesson` rows. It runs as one or more
`Cohort` rows, each linking the course to a `spaces.Space` of kind course
whose members are its learners. A lesson carries Markdown content (rendered
on save), `LessonAttachment` files, an optional link to another learning
system and, through `LessonPrompt`, one discussion prompt thread per cohort.
Learners mark lessons done (`Completion`, per cohort) and take the lesson's
`KnowledgeCheck`: `Question` rows with `Choice` rows, every try kept as an
`Attempt` with its score.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from agora.discussions.models import Thread
from agora.spaces.models import Space, slug_validator

MAX_TITLE = 200
MAX_SUMMARY = 10_000
MAX_CONTENT = 100_000
MAX_URL = 500
MAX_QUESTION = 1000
MAX_CHOICE = 500


class Course(models.Model):
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    slug = models.SlugField(_("address"), max_length=80, unique=True, validators=[slug_validator])
    summary = models.TextField(
        _("summary"), max_length=MAX_SUMMARY, blank=True, help_text=_("Markdown.")
    )
    summary_html = models.TextField(blank=True, editable=False)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="courses_taught", verbose_name=_("instructors")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course_detail", args=[self.slug])


class Cohort(models.Model):
    """One run of a course: a course space whose members are the learners."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cohorts")
    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="cohort")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course_id} in space {self.space_id}"


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    position = models.PositiveIntegerField(default=0)
    content = models.TextField(
        _("content"), max_length=MAX_CONTENT, blank=True, help_text=_("Markdown.")
    )
    content_html = models.TextField(blank=True, editable=False)
    external_url = models.URLField(
        _("link to the lesson elsewhere"),
        max_length=MAX_URL,
        blank=True,
        help_text=_("Where this lesson lives in another learning system (http or https)."),
    )
    # Checked and stored by core.videos, with its poster and captions.
    video = models.OneToOneField(
        "core.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="lesson"
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course", "position", "pk"]
        indexes = [models.Index(fields=["course", "position"], name="lesson_course_position")]

    def __str__(self) -> str:
        return self.title


class LessonAttachment(models.Model):
    """A checked file on a lesson, stored under a random name."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(max_length=200, upload_to="lessons/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The checked download (the media address is not served to readers)."""
        return reverse(
            "lesson_attachment_download",
            args=[self.lesson.course.slug, self.lesson_id, self.pk],
        )


class LessonPrompt(models.Model):
    """A lesson's discussion prompt in one cohort: a prompt thread of the cohort's space."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="prompts")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="prompts")
    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="lesson_prompt")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "cohort"], name="lesson_prompt_per_cohort")
        ]

    def __str__(self) -> str:
        return f"Prompt of lesson {self.lesson_id} in cohort {self.cohort_id}"


class Completion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "lesson", "user"], name="completion_once_per_cohort"
            )
        ]
        indexes = [models.Index(fields=["cohort", "user"], name="completion_cohort_user")]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.lesson_id}"


class KnowledgeCheck(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="knowledge_check")
    passing_score = models.PositiveSmallIntegerField(
        _("passing score (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Check of lesson {self.lesson_id}"


class Question(models.Model):
    knowledge_check = models.ForeignKey(
        KnowledgeCheck, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("question"), max_length=MAX_QUESTION)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["knowledge_check", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @cached_property
    def choice_list(self) -> list[Choice]:
        """The choices in order (the lesson page sets them from its own query)."""
        return list(self.choices.all())


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=MAX_CHOICE)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """One try at a knowledge check; every try is kept."""

    knowledge_check = models.ForeignKey(
        KnowledgeCheck, on_delete=models.CASCADE, related_name="attempts"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_attempts"
    )
    answers = models.JSONField(default=dict, help_text=_("Question id → chosen choice ids."))
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    passed = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cohort", "user"], name="attempt_cohort_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.score}% on check {self.knowledge_check_id}"
