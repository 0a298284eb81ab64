"""Read paths for course pages and the API, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from agora.core.aggregates import JSONObjects
from agora.courses.models import (
    Attempt,
    Choice,
    Cohort,
    Completion,
    Course,
    KnowledgeCheck,
    Lesson,
    LessonAttachment,
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


def _prompt_thread(prompt: LessonPrompt | None, cohort: Cohort) -> Thread | None:
    if prompt is None:
        return None
    thread = prompt.thread
    thread.space = cohort.space  # keep the role cache warm on one object
    return thread


def lesson_check(*, lesson: Lesson) -> KnowledgeCheck | None:
    """The lesson's check with its questions and their choices, in order."""
    return (
        KnowledgeCheck.objects.filter(lesson=lesson)
        .prefetch_related(Prefetch("questions", queryset=_questions()))
        .first()
    )


def _questions() -> QuerySet[Question]:
    """A check's questions in order, each with its choices in order (one query each)."""
    choices = Choice.objects.order_by("position", "pk")
    return Question.objects.order_by("position", "pk").prefetch_related(
        Prefetch("choices", queryset=choices)
    )


def _json_of(rows: QuerySet, owner: str, **fields: str) -> Subquery:
    """`rows` of one owner (an outer row) as a JSON array of ``fields`` (None when none)."""
    return Subquery(
        rows.order_by().values(owner).annotate(items=JSONObjects(**fields)).values("items"),
        output_field=JSONField(),
    )


def _page_questions() -> QuerySet[Question]:
    """A check's questions in order, each with its choices as JSON (`choices_json`)."""
    choices = Choice.objects.filter(question=OuterRef("pk"))
    return Question.objects.order_by("position", "pk").annotate(
        choices_json=_json_of(
            choices, "question", id="pk", text="text", is_correct="is_correct", position="position"
        )
    )


def lesson_page(*, viewer: User, cohort: Cohort, lesson_id: int) -> Lesson | None:
    """Lesson `lesson_id` of the cohort's course if `viewer` may see it, in one query.

    With it: its knowledge check (`page_check`, None without one), `viewer`'s
    `status` in the cohort, and the outline around it (`previous_lesson`,
    `next_lesson`: pk and title only, its `number` and the `lesson_count`) among the
    lessons `viewer` sees, and its `prompt` thread in the cohort (None without one).
    Its files (`file_list`) come in the same query; the check's questions,
    each with its `choice_list`, follow in one prefetch query, only when there
    is a check.
    """
    course = cohort.course
    visible = course_lessons(viewer=viewer, course=course).order_by()
    before = Q(position__lt=OuterRef("position")) | Q(
        position=OuterRef("position"), pk__lt=OuterRef("pk")
    )
    after = Q(position__gt=OuterRef("position")) | Q(
        position=OuterRef("position"), pk__gt=OuterRef("pk")
    )
    previous = visible.filter(before).order_by("-position", "-pk")
    following = visible.filter(after).order_by("position", "pk")
    completed = Completion.objects.filter(cohort=cohort, lesson=OuterRef("pk"), user=viewer.pk)
    attempts = Attempt.objects.filter(
        cohort=cohort, knowledge_check__lesson=OuterRef("pk"), user=viewer.pk
    ).order_by()
    lesson = (
        course_lessons(viewer=viewer, course=course)
        .filter(pk=lesson_id)
        .annotate(cohort_prompt=FilteredRelation("prompts", condition=Q(prompts__cohort=cohort)))
        .select_related("knowledge_check", "cohort_prompt__thread__author__profile", "video")
        .prefetch_related(Prefetch("knowledge_check__questions", queryset=_page_questions()))
        .annotate(
            files_json=_json_of(
                LessonAttachment.objects.filter(lesson=OuterRef("pk")),
                "lesson",
                id="pk",
                name="name",
                size="size",
                content_type="content_type",
                created_at="created_at",
            ),
            previous_id=Subquery(previous.values("pk")[:1]),
            previous_title=Subquery(previous.values("title")[:1]),
            next_id=Subquery(following.values("pk")[:1]),
            next_title=Subquery(following.values("title")[:1]),
            lessons_before=_count(visible.filter(before), "course"),
            lessons_after=_count(visible.filter(after), "course"),
            completed=Exists(completed),
            attempt_count=_count(attempts, "user"),
            best=Subquery(attempts.values("user").annotate(best=Max("score")).values("best")[:1]),
            passed=Exists(attempts.filter(passed=True)),
        )
        .first()
    )
    if lesson is None:
        return None
    lesson.course = course
    # Without a prompt in the cohort, the filtered relation leaves no attribute.
    lesson.prompt = _prompt_thread(getattr(lesson, "cohort_prompt", None), cohort)
    lesson.page_check = lesson.knowledge_check if _has_check(lesson) else None
    if lesson.page_check is not None:
        for question in lesson.page_check.questions.all():
            question.choice_list = [
                Choice(pk=c["id"], question=question, text=c["text"], is_correct=c["is_correct"])
                for c in sorted(question.choices_json or (), key=lambda c: (c["position"], c["id"]))
            ]
    lesson.file_list = [
        LessonAttachment(
            pk=f["id"],
            lesson=lesson,
            name=f["name"],
            size=f["size"],
            content_type=f["content_type"],
        )
        for f in sorted(lesson.files_json or (), key=lambda f: (f["created_at"], f["id"]))
    ]
    lesson.status = LearnerStatus(
        completed=lesson.completed,
        best_score=lesson.best,
        attempts=lesson.attempt_count,
        passed=lesson.passed,
    )
    lesson.previous_lesson = _neighbour(lesson.previous_id, lesson.previous_title, course)
    lesson.next_lesson = _neighbour(lesson.next_id, lesson.next_title, course)
    lesson.number = lesson.lessons_before + 1
    lesson.lesson_count = lesson.lessons_before + 1 + lesson.lessons_after
    return lesson


def _neighbour(pk: int | None, title: str | None, course: Course) -> Lesson | None:
    return None if pk is None else Lesson(pk=pk, title=title, course=course)


@dataclass(frozen=True)
class LearnerStatus:
    completed: bool
    best_score: int | None
    attempts: int
    passed: bool


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


# --- Rows under an object the viewer was already given (404 otherwise) ----------------


def lesson_attachment(*, lesson: Lesson, attachment_id: int) -> LessonAttachment:
    return get_object_or_404(LessonAttachment, lesson=lesson, pk=attachment_id)


def lesson_question(*, lesson: Lesson, question_id: int) -> Question:
    """A question of `lesson`'s check, with its choices."""
    return get_object_or_404(
        Question.objects.select_related("knowledge_check__lesson__course").prefetch_related(
            "choices"
        ),
        knowledge_check__lesson=lesson,
        pk=question_id,
    )


def cohort_membership(*, cohort: Cohort, user_id: int) -> Membership:
    """A member of `cohort`'s space, with the person."""
    return get_object_or_404(
        Membership.objects.select_related("user"), space=cohort.space, user_id=user_id
    )
