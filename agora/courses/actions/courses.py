"""Courses and their cohorts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.accounts.models import User
from agora.core.events import record
from agora.core.markdown import render_markdown
from agora.courses.actions._common import (
    ALREADY_COHORT,
    CANNOT_ADD_COHORT,
    CANNOT_CREATE,
    NOT_COURSE_SPACE,
    _clean_slug,
    _cohort_snapshot,
    _course_snapshot,
    _markdown,
    _raise,
    _require_editor,
    _text,
    _title,
    _unique_slug,
)
from agora.courses.models import (
    MAX_SUMMARY,
    Cohort,
    Course,
    LessonPrompt,
)
from agora.courses.permissions import (
    can_add_cohort,
    can_attach_space,
    can_create_course,
    forget_courses,
)
from agora.discussions import actions as discussion_actions
from agora.discussions.models import Thread
from agora.spaces import actions as space_actions
from agora.spaces.models import Space

# --- courses ---------------------------------------------------------------------------


@transaction.atomic
def create_course(*, actor: User, title: str, summary: str = "", slug: str = "") -> Course:
    """Create a course taught by `actor`; record ``course.created``."""
    if not can_create_course(actor):
        raise PermissionDenied(CANNOT_CREATE)
    errors: dict[str, list[str]] = {}
    title = _title(title, errors)
    summary = _markdown(summary, MAX_SUMMARY, "summary", errors)
    if slug:
        slug = _clean_slug(slug, None, errors)
    _raise(errors)
    course = Course.objects.create(
        title=title,
        slug=slug or _unique_slug(title),
        summary=summary,
        summary_html=render_markdown(summary),
        created_by=actor,
    )
    course.instructors.add(actor)
    forget_courses(actor)
    record(actor=actor, verb="course.created", obj=course, **_course_snapshot(course))
    return course


@transaction.atomic
def update_course(
    *,
    actor: User,
    course: Course,
    title: str | None = None,
    summary: str | None = None,
    slug: str | None = None,
) -> Course:
    """Change a course's title, summary or address; record ``course.updated``."""
    _require_editor(actor, course)
    errors: dict[str, list[str]] = {}
    new_title = _title(title, errors) if title is not None else course.title
    new_summary = (
        _markdown(summary, MAX_SUMMARY, "summary", errors) if summary is not None else None
    )
    new_slug = _clean_slug(slug, course, errors) if slug is not None else course.slug
    _raise(errors)
    course.title, course.slug = new_title, new_slug
    if new_summary is not None:
        course.summary, course.summary_html = new_summary, render_markdown(new_summary)
    course.updated_at = timezone.now()
    course.save()
    record(actor=actor, verb="course.updated", obj=course, **_course_snapshot(course))
    return course


@transaction.atomic
def add_instructor(*, actor: User, course: Course, user: User) -> Course:
    """Add `user` to the course's instructors; record ``course.instructor_added``."""
    _require_editor(actor, course)
    if not user.is_active or user.is_guest:
        raise ValidationError({"user": [_("Guests and deactivated people cannot teach.")]})
    course.instructors.add(user)
    forget_courses(user)
    record(
        actor=actor,
        verb="course.instructor_added",
        obj=course,
        user_id=user.pk,
        user_name=user.name,
        **_course_snapshot(course),
    )
    return course


# --- cohorts ---------------------------------------------------------------------------


def _open_prompts_in(actor: User, cohort: Cohort) -> None:
    """Give a new cohort its own copy of each lesson prompt of the course."""
    seen: set[int] = set()
    for prompt in (
        LessonPrompt.objects.filter(lesson__course=cohort.course)
        .select_related("thread")
        .order_by("lesson_id", "pk")
    ):
        if prompt.lesson_id in seen:
            continue
        seen.add(prompt.lesson_id)
        thread = discussion_actions.start_thread(
            author=actor,
            space=cohort.space,
            kind=Thread.Kind.PROMPT,
            title=prompt.thread.title,
            body=prompt.thread.body,
            post_first=prompt.thread.post_first,
        )
        LessonPrompt.objects.create(lesson_id=prompt.lesson_id, cohort=cohort, thread=thread)


@transaction.atomic
def add_cohort(
    *,
    actor: User,
    course: Course,
    name: str = "",
    visibility: str = Space.Visibility.PRIVATE,
    space: Space | None = None,
) -> Cohort:
    """Run `course` in a new course space (or in `space`, an existing one); record ``cohort.added``.

    The new space is created by the space actions, so `actor` becomes its
    facilitator (the instructor) and learners join it as members.
    """
    if space is None:
        if not can_add_cohort(actor, course):
            raise PermissionDenied(CANNOT_ADD_COHORT)
        name = " ".join(_text(name).split())
        if not name:
            raise ValidationError({"name": [_("Name the cohort, e.g. “Spring 2026”.")]})
        if len(name) > 120:
            raise ValidationError({"name": [_("Keep the name under 120 characters.")]})
        if visibility not in Space.Visibility.values:
            raise ValidationError({"visibility": [_("Choose open, private or secret.")]})
        space = space_actions.create_space(
            creator=actor,
            name=name,
            kind=Space.Kind.COURSE,
            visibility=visibility,
            description=_("A cohort of **%(course)s**.") % {"course": course.title},
        )
    elif not can_attach_space(actor, course, space):
        raise PermissionDenied(NOT_COURSE_SPACE)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(course=course, space=space)
    except IntegrityError as error:
        raise ValidationError({"space": [ALREADY_COHORT]}) from error
    _open_prompts_in(actor, cohort)
    record(
        actor=actor,
        verb="cohort.added",
        obj=cohort,
        space=space,
        **_course_snapshot(course),
        **_cohort_snapshot(cohort),
    )
    return cohort
