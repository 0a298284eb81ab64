"""Read paths for course pages and the API, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from agora.courses.models import (
    Attempt,
    Choice,
    Cohort,
    Completion,
    Course,
    KnowledgeCheck,
    Lesson,
    LessonPrompt,
    Question,
)
from agora.courses.permissions import (
    cohorts_visible_to,
    courses_visible_to,
    lessons_visible_to,
)
from agora.discussions.models import Reply, Thread
from agora.spaces.models import Membership

if TYPE_CHECKING:
    from agora.accounts.models import User


def course_list(*, viewer: User) -> QuerySet[Course]:
    """Courses `viewer` may see, with how many lessons are published."""
    published = Lesson.objects.filter(course=OuterRef("pk"), is_published=True)
    return (
        courses_visible_to(viewer)
        .annotate(published_count=_count(published, "course"))
        .order_by("title", "pk")
    )


def course_instructors(*, course: Course) -> list[User]:
    return list(course.instructors.select_related("profile").order_by("name", "pk"))


def course_cohorts(*, viewer: User, course: Course) -> QuerySet[Cohort]:
    """Cohorts of `course` `viewer` may read, oldest first; `is_mine` where they belong."""
    mine = Membership.objects.filter(space=OuterRef("space"), user_id=viewer.pk)
    return (
        cohorts_visible_to(viewer, course)
        .select_related("space")
        .annotate(is_mine=Exists(mine))
        .order_by("created_at", "pk")
    )


def course_lessons(*, viewer: User, course: Course) -> QuerySet[Lesson]:
    """Lessons in order; drafts only for those who may edit the course."""
    return lessons_visible_to(viewer, course).order_by("position", "pk")


def lesson_outline(*, viewer: User, course: Course) -> list[Lesson]:
    """The lessons' titles in order, for navigation (no content)."""
    return list(
        course_lessons(viewer=viewer, course=course).only(
            "pk", "title", "position", "is_published", "course_id"
        )
    )


def lesson_prompt(*, lesson: Lesson, cohort: Cohort) -> Thread | None:
    """The prompt thread of `lesson` in `cohort`, ready for the thread partials."""
    prompt = (
        LessonPrompt.objects.filter(lesson=lesson, cohort=cohort)
        .select_related("thread__author__profile")
        .first()
    )
    if prompt is None:
        return None
    thread = prompt.thread
    thread.space = cohort.space  # keep the role cache warm on one object
    return thread


def lesson_check(*, lesson: Lesson) -> KnowledgeCheck | None:
    """The lesson's check with its questions and their choices, in order."""
    choices = Choice.objects.order_by("position", "pk")
    questions = Question.objects.order_by("position", "pk").prefetch_related(
        Prefetch("choices", queryset=choices)
    )
    return (
        KnowledgeCheck.objects.filter(lesson=lesson)
        .prefetch_related(Prefetch("questions", queryset=questions))
        .first()
    )


@dataclass(frozen=True)
class LearnerStatus:
    completed: bool
    best_score: int | None
    attempts: int
    passed: bool


def learner_status(*, user: User, cohort: Cohort, lesson: Lesson) -> LearnerStatus:
    """Whether `user` marked `lesson` done in `cohort`, and their check results, in one query."""
    completed = Completion.objects.filter(cohort=cohort, lesson=lesson, user=OuterRef("pk"))
    attempts = Attempt.objects.filter(
        cohort=cohort, knowledge_check__lesson=lesson, user=OuterRef("pk")
    ).order_by()
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            completed=_count(completed, "user"),
            attempts=_count(attempts, "user"),
            best=Subquery(attempts.values("user").annotate(best=Max("score")).values("best")[:1]),
            passes=_count(attempts.filter(passed=True), "user"),
        )
        .values("completed", "attempts", "best", "passes")
        .first()
    ) or {"completed": 0, "attempts": 0, "best": None, "passes": 0}
    return LearnerStatus(
        completed=bool(row["completed"]),
        best_score=row["best"],
        attempts=row["attempts"],
        passed=bool(row["passes"]),
    )


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """COUNT of `queryset` (correlated through OuterRef) as a subquery, 0 when none."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class ProgressRow:
    lesson: Lesson
    completed: bool
    best_score: int | None
    passed: bool
    has_check: bool


def progress(*, viewer: User, user: User, cohort: Cohort) -> list[ProgressRow]:
    """Each lesson `viewer` sees in the cohort's course: done or not, best check score."""
    lessons = list(
        course_lessons(viewer=viewer, course=cohort.course)
        .select_related("knowledge_check")
        .only("pk", "title", "position", "is_published", "course_id", "knowledge_check__id")
    )
    done = set(
        Completion.objects.filter(cohort=cohort, user=user).values_list("lesson_id", flat=True)
    )
    best = {
        row["knowledge_check__lesson_id"]: row
        for row in Attempt.objects.filter(cohort=cohort, user=user)
        .order_by()
        .values("knowledge_check__lesson_id")
        .annotate(best=Max("score"), passes=Count("pk", filter=Q(passed=True)))
    }
    rows = []
    for lesson in lessons:
        result = best.get(lesson.pk)
        rows.append(
            ProgressRow(
                lesson=lesson,
                completed=lesson.pk in done,
                best_score=result["best"] if result else None,
                passed=bool(result and result["passes"]),
                has_check=_has_check(lesson),
            )
        )
    return rows


def _has_check(lesson: Lesson) -> bool:
    try:
        return lesson.knowledge_check is not None
    except KnowledgeCheck.DoesNotExist:
        return False


def roster(*, cohort: Cohort) -> QuerySet[Membership]:
    """The cohort's learners (everyone but its facilitators), with what they did.

    Each row has `completed` (published lessons done in this cohort) and
    `contributions` (live threads and replies they wrote in the cohort space).
    """
    space = cohort.space
    completed = Completion.objects.filter(
        cohort=cohort, user=OuterRef("user"), lesson__is_published=True
    )
    threads = Thread.objects.filter(space=space, author=OuterRef("user"), is_deleted=False)
    replies = Reply.objects.filter(thread__space=space, author=OuterRef("user"), is_deleted=False)
    return (
        Membership.objects.filter(space=space)
        .exclude(role=Membership.Role.FACILITATOR)
        .select_related("user__profile")
        .annotate(
            completed=_count(completed, "user"),
            thread_count=_count(threads, "author"),
            reply_count=_count(replies, "author"),
        )
        .order_by("user__name", "user_id")
    )


def best_scores(*, cohort: Cohort, user_ids: list[int]) -> dict[tuple[int, int], int]:
    """(user id, lesson id) → best check score in `cohort`, for the given people."""
    return {
        (row["user_id"], row["knowledge_check__lesson_id"]): row["best"]
        for row in Attempt.objects.filter(cohort=cohort, user_id__in=user_ids)
        .order_by()
        .values("user_id", "knowledge_check__lesson_id")
        .annotate(best=Max("score"))
    }


def checked_lessons(*, cohort: Cohort) -> list[Lesson]:
    """Published lessons of the cohort's course that carry a knowledge check, in order."""
    return list(
        Lesson.objects.filter(
            course=cohort.course, is_published=True, knowledge_check__isnull=False
        )
        .only("pk", "title", "position")
        .order_by("position", "pk")
    )


def published_count(*, course: Course) -> int:
    return Lesson.objects.filter(course=course, is_published=True).count()
