"""Shapes of the course API: courses, cohorts, lessons, completion, checks, progress."""

from datetime import datetime

from django.urls import reverse
from ninja import Field, Schema
from pydantic import StrictBool

from agora.api.schemas import Id, In, Omittable, VideoOut, choice, video_out
from agora.courses.models import MAX_CONTENT, MAX_SUMMARY, MAX_TITLE, MAX_URL, Course, Lesson
from agora.spaces.models import Space

Visibility = choice(Space.Visibility)
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CourseOut(Schema):
    id: int
    title: str
    slug: str
    summary: str = Field(description="Markdown.")
    summary_html: str = Field(description="The summary rendered and sanitized when written.")
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: Course) -> str:
        return obj.get_absolute_url()


class CourseIn(In):
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    slug: str = Field(
        default="",
        max_length=80,
        pattern=r"^$|" + SLUG_PATTERN,
        description="Lower-case words joined by hyphens; empty: made from the title.",
    )
    summary: str = Field(default="", max_length=MAX_SUMMARY, description="Markdown.")


class CoursePatch(In):
    """Only the fields sent are changed."""

    title: str = Omittable(min_length=1, max_length=MAX_TITLE)
    slug: str = Omittable(max_length=80, pattern=SLUG_PATTERN)
    summary: str = Omittable(max_length=MAX_SUMMARY, description="Markdown.")


class CohortOut(Schema):
    id: int
    course_id: int
    space_id: int
    space_name: str
    space_slug: str
    created_at: datetime

    @staticmethod
    def resolve_space_name(obj) -> str:
        return obj.space.name

    @staticmethod
    def resolve_space_slug(obj) -> str:
        return obj.space.slug


class CohortIn(In):
    name: str = Field(min_length=1, max_length=120, description="The cohort space's name.")
    visibility: Visibility = Space.Visibility.PRIVATE


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class LessonOut(Schema):
    id: int
    course_id: int
    title: str
    position: int = Field(description="0 for the first lesson.")
    content: str = Field(description="Markdown.")
    content_html: str = Field(description="The content rendered and sanitized when written.")
    external_url: str = Field(description="Where the lesson lives in another learning system.")
    is_published: bool
    published_at: datetime | None
    attachments: list[AttachmentOut]
    video: VideoOut | None = Field(description="The lesson's video, with poster and captions.")

    @staticmethod
    def resolve_attachments(obj: Lesson) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_video(obj: Lesson) -> dict | None:
        if obj.video_id is None:
            return None
        return video_out(
            obj.video,
            lambda part: reverse("lesson_video_file", args=[obj.course.slug, obj.pk, part]),
        )


class LessonIn(In):
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    content: str = Field(default="", max_length=MAX_CONTENT, description="Markdown.")
    external_url: str = Field(default="", max_length=MAX_URL, description="http or https.")
    publish: StrictBool = Field(default=False, description="Publish at once (else a draft).")


class LessonPatch(In):
    """Only the fields sent are changed."""

    title: str = Omittable(min_length=1, max_length=MAX_TITLE)
    content: str = Omittable(max_length=MAX_CONTENT, description="Markdown.")
    external_url: str = Omittable(max_length=MAX_URL, description="http or https; empty: none.")


class PublicationIn(In):
    is_published: StrictBool


class LessonOrderIn(In):
    lesson_ids: list[Id] = Field(
        max_length=1000, description="Every lesson of the course, once each, in the new order."
    )


class CompletionOut(Schema):
    lesson_id: int
    cohort_id: int
    completed: bool


class ChoiceOut(Schema):
    id: int
    text: str
    is_correct: bool | None = Field(
        description="Shown to the course's instructors only; null for learners."
    )


class QuestionOut(Schema):
    id: int
    text: str
    choices: list[ChoiceOut]


class CheckOut(Schema):
    lesson_id: int
    passing_score: int = Field(description="Percent of questions answered right to pass.")
    questions: list[QuestionOut]


class AnswerIn(In):
    question_id: Id
    choice_ids: list[Id] = Field(max_length=50, description="Every choice I think is right.")


class AttemptIn(In):
    answers: list[AnswerIn] = Field(max_length=200, description="One answer per question.")


class AttemptOut(Schema):
    id: int
    lesson_id: int
    cohort_id: int
    score: int = Field(description="Percent of questions answered right.")
    passed: bool
    created_at: datetime


class ProgressOut(Schema):
    lesson_id: int
    title: str
    completed: bool
    has_check: bool
    best_score: int | None
    passed: bool


class RosterOut(Schema):
    user_id: int
    name: str
    completed: int = Field(description="Published lessons marked done in this cohort.")
    lesson_total: int = Field(description="Published lessons of the course.")
    best_scores: dict[str, int] = Field(description="Lesson id → best check score (percent).")
    contributions: int = Field(description="Threads and replies written in the cohort space.")


class RosterPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[RosterOut]


class PromptIn(In):
    title: str = Field(min_length=1, max_length=200, description="The prompt's question.")
    body: str = Field(default="", max_length=20_000, description="Markdown.")
    post_first: StrictBool = Field(
        default=False, description="Learners see classmates' replies after posting their own."
    )


class PromptOut(Schema):
    cohort_id: int
    thread_id: int
    thread_url: str

    @staticmethod
    def resolve_thread_url(obj) -> str:
        return obj.thread.get_absolute_url()


class CheckIn(In):
    passing_score: int = Field(ge=0, le=100, strict=True, description="Percent to pass.")


class ChoiceIn(In):
    text: str = Field(min_length=1, max_length=500)
    is_correct: StrictBool = False


class QuestionIn(In):
    text: str = Field(min_length=1, max_length=1000)
    choices: list[ChoiceIn] = Field(
        min_length=2, max_length=20, description="Two or more, at least one correct."
    )
