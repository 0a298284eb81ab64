"""Who may see and do what with courses, built on the space rules.

- Org admins and learning staff create courses; a course's instructors (and
  org admins) edit it, its lessons, prompts and checks.
- A course is visible to its instructors and to whoever may read the content
  of one of its cohort spaces; learners see published lessons only.
- The members of a cohort space mark lessons done and take checks there; its
  managers and the course's instructors see the cohort's roster.
A cohort the viewer may not see is a 404, like one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from agora.courses.models import Cohort, Course, Lesson
from agora.spaces.models import Membership, Space
from agora.spaces.permissions import (
    access_space,
    can_create_space,
    can_manage,
    can_post_in,
    can_view_content,
    spaces_visible_to,
    spaces_with_content_visible_to,
)

if TYPE_CHECKING:
    from agora.accounts.models import User

CANNOT_READ = _("Join this course space to see its lessons.")
CANNOT_ROSTER = _("Only the cohort's instructors see its roster.")


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def can_create_course(user: User) -> bool:
    """Courses belong to learning staff and org admins, like course spaces."""
    return _active(user) and can_create_space(user, Space.Kind.COURSE)


def is_instructor(user: User, course: Course) -> bool:
    """Whether `user` teaches `course`; cached on the user object per request."""
    if not _active(user) or course.pk is None:
        return False
    cache: dict[int, bool] = user.__dict__.setdefault("_courses_taught", {})
    if course.pk not in cache:
        cache[course.pk] = course.instructors.filter(pk=user.pk).exists()
    return cache[course.pk]


def forget_courses(user: User) -> None:
    user.__dict__.pop("_courses_taught", None)


def can_edit_course(user: User, course: Course) -> bool:
    return _active(user) and (user.is_org_admin or is_instructor(user, course))


def can_add_cohort(user: User, course: Course) -> bool:
    """Instructors who may create course spaces add cohorts (the space is created for them)."""
    return can_edit_course(user, course) and can_create_space(user, Space.Kind.COURSE)


def can_attach_space(user: User, course: Course, space: Space) -> bool:
    """An existing course space becomes a cohort when its manager teaches the course."""
    return (
        can_edit_course(user, course)
        and space.kind == Space.Kind.COURSE
        and can_manage(user, space)
    )


def can_see_drafts(user: User, course: Course) -> bool:
    return can_edit_course(user, course)


def can_learn_in(user: User, cohort: Cohort) -> bool:
    """Mark lessons done and take checks: whoever may post in the cohort space."""
    return can_post_in(user, cohort.space)


def can_view_roster(user: User, cohort: Cohort) -> bool:
    return can_manage(user, cohort.space) or can_edit_course(user, cohort.course)


def courses_visible_to(user: User) -> QuerySet[Course]:
    """Courses `user` teaches, plus those with a cohort whose content they may read."""
    if not _active(user):
        return Course.objects.none()
    if user.is_org_admin:
        return Course.objects.all()
    readable = spaces_with_content_visible_to(user).filter(pk=OuterRef("space_id"))
    in_cohort = Exists(Cohort.objects.filter(course=OuterRef("pk")).filter(Exists(readable)))
    teaches = Exists(Course.instructors.through.objects.filter(course=OuterRef("pk"), user=user))
    return Course.objects.filter(Q(in_cohort) | Q(teaches))


def courses_with_drafts_visible_to(user: User) -> QuerySet[Course]:
    """Courses whose draft lessons `user` sees (the row filter of `can_see_drafts`)."""
    if not _active(user):
        return Course.objects.none()
    if user.is_org_admin:
        return Course.objects.all()
    return Course.objects.filter(
        Exists(Course.instructors.through.objects.filter(course=OuterRef("pk"), user=user))
    )


def cohorts_visible_to(user: User, course: Course) -> QuerySet[Cohort]:
    """Cohorts of `course` whose space content `user` may read (all of them for instructors)."""
    cohorts = Cohort.objects.filter(course=course)
    if can_edit_course(user, course):
        return cohorts
    return cohorts.filter(space__in=spaces_with_content_visible_to(user))


def lessons_visible_to(user: User, course: Course) -> QuerySet[Lesson]:
    lessons = Lesson.objects.filter(course=course)
    if not can_see_drafts(user, course):
        lessons = lessons.filter(is_published=True)
    return lessons


def access_course(user: User, slug: str) -> Course:
    """Return the course with `slug` if `user` may see it, else raise Http404."""
    course = courses_visible_to(user).filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


def access_course_by_id(user: User, course_id: int) -> Course:
    course = courses_visible_to(user).filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    return course


def _cohort_of(user: User, space: Space) -> Cohort:
    if not can_view_content(user, space):
        raise PermissionDenied(CANNOT_READ)
    cohort = Cohort.objects.select_related("course").filter(space=space).first()
    if cohort is None:
        raise Http404("This space runs no course.")
    cohort.space = space  # keep the role cache warm on one object
    return cohort


def access_cohort(user: User, slug: str) -> Cohort:
    """Return the cohort run in space `slug`, with its course and space, in one query.

    The same query reads `user`'s role in the space and whether they teach the
    course, and fills the per-request caches of `role_in` and `is_instructor`.
    Raise Http404 when the space is hidden from `user` or runs no course, and
    PermissionDenied when `user` sees the space but may not read its content.
    """
    role = Membership.objects.filter(space=OuterRef("space_id"), user_id=user.pk)
    teaches = Course.instructors.through.objects.filter(course=OuterRef("course_id"), user=user.pk)
    cohort = (
        Cohort.objects.filter(space__slug=slug, space__in=spaces_visible_to(user))
        .select_related("course", "space")
        .annotate(
            viewer_role=Subquery(role.order_by().values("role")[:1]),
            viewer_teaches=Exists(teaches),
        )
        .first()
    )
    if cohort is None:  # hidden, missing, or no course: answer as the space rules do
        return _cohort_of(user, access_space(user, slug))
    if user.is_authenticated:
        user.__dict__.setdefault("_space_roles", {})[cohort.space.pk] = cohort.viewer_role
        if _active(user):
            user.__dict__.setdefault("_courses_taught", {})[cohort.course.pk] = (
                cohort.viewer_teaches
            )
    if not can_view_content(user, cohort.space):
        raise PermissionDenied(CANNOT_READ)
    return cohort


def access_cohort_by_id(user: User, cohort_id: int) -> Cohort:
    """Return cohort `cohort_id` if `user` may read its space's content, else 404."""
    cohort = Cohort.objects.select_related("course", "space").filter(pk=cohort_id).first()
    if cohort is None or not can_view_content(user, cohort.space):
        raise Http404("No such cohort.")
    return cohort


def access_lesson(user: User, course: Course, lesson_id: int) -> Lesson:
    """Return lesson `lesson_id` of `course` if `user` may see it (drafts: editors), else 404."""
    lesson = lessons_visible_to(user, course).select_related("video").filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404("No such lesson.")
    lesson.course = course
    return lesson


def access_lesson_by_id(user: User, lesson_id: int) -> Lesson:
    """Return lesson `lesson_id` of a course `user` may see, if they may see the lesson."""
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    if lesson is None or not courses_visible_to(user).filter(pk=lesson.course_id).exists():
        raise Http404("No such lesson.")
    if not lesson.is_published and not can_see_drafts(user, lesson.course):
        raise Http404("No such lesson.")
    return lesson
