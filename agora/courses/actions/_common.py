"""Messages and the checks every course action shares."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.models import User
from agora.courses.models import (
    MAX_TITLE,
    MAX_URL,
    Cohort,
    Course,
    Lesson,
)
from agora.courses.permissions import (
    can_edit_course,
)
from agora.spaces.models import slug_validator

CANNOT_CREATE = gettext_lazy("Only learning staff and org admins may create courses.")
CANNOT_EDIT = gettext_lazy("Only the course's instructors may do this.")
CANNOT_ADD_COHORT = gettext_lazy("Only instructors who are learning staff may add a cohort.")
CANNOT_LEARN = gettext_lazy("Join this course space to take part.")
NOT_PUBLISHED = gettext_lazy("This lesson is not published.")
EMPTY_TITLE = gettext_lazy("Give it a title.")
BAD_URL = gettext_lazy("Enter a web address starting with http:// or https://.")
TAKEN_SLUG = gettext_lazy("This address is taken; choose another.")
ALREADY_COHORT = gettext_lazy("This space already runs a course.")
NOT_COURSE_SPACE = gettext_lazy("Choose a course space you manage.")
ALREADY_PROMPTED = gettext_lazy("This lesson already has a prompt in every cohort.")
NO_COHORTS = gettext_lazy("Add a cohort first: a prompt is discussed in a cohort's space.")
NOT_A_PROMPT = gettext_lazy("Choose a lesson prompt thread of one of this course's cohorts.")
TWO_CHOICES = gettext_lazy("Give at least two choices.")
ONE_CORRECT = gettext_lazy("Mark at least one choice as correct.")
NO_CHECK = gettext_lazy("This lesson has no knowledge check.")
NO_QUESTIONS = gettext_lazy("This check has no questions yet.")
ANSWER_ALL = gettext_lazy("Answer every question: %(missing)s.")
FOREIGN_CHOICE = gettext_lazy("Choose among the choices of each question.")
BAD_SCORE = gettext_lazy("Enter a whole number from 0 to 100.")
MOVES = ("up", "down")


def _course_snapshot(course: Course) -> dict[str, Any]:
    return {"course_id": course.pk, "course_title": course.title, "course_slug": course.slug}


def _lesson_snapshot(lesson: Lesson) -> dict[str, Any]:
    return {
        **_course_snapshot(lesson.course),
        "lesson_id": lesson.pk,
        "lesson_title": lesson.title,
    }


def _cohort_snapshot(cohort: Cohort) -> dict[str, Any]:
    return {"space_name": cohort.space.name, "space_slug": cohort.space.slug}


def _text(value: str | None) -> str:
    return (value or "").replace("\x00", "")


def _title(value: str | None, errors: dict[str, list[str]], field: str = "title") -> str:
    title = " ".join(_text(value).split())
    if not title:
        errors[field] = [EMPTY_TITLE]
    elif len(title) > MAX_TITLE:
        errors[field] = [_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE}]
    return title


def _markdown(value: str | None, limit: int, field: str, errors: dict[str, list[str]]) -> str:
    text = _text(value).strip()
    if len(text) > limit:
        errors[field] = [_("Keep it under %(n)d characters.") % {"n": limit}]
    return text


def clean_external_url(value: str | None, errors: dict[str, list[str]]) -> str:
    """Return a checked http(s) address, or "" for none; note a bad one in `errors`."""
    url = _text(value).strip()
    if not url:
        return ""
    try:
        if len(url) > MAX_URL:
            raise ValidationError(BAD_URL)
        URLValidator(schemes=["http", "https"])(url)
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise ValidationError(BAD_URL)
    except ValidationError:
        errors["external_url"] = [BAD_URL]
    return url


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _require_editor(actor: User, course: Course) -> None:
    if not can_edit_course(actor, course):
        raise PermissionDenied(CANNOT_EDIT)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70].strip("-") or "course"
    slug, n = base, 2
    while Course.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_slug(slug: str, course: Course | None, errors: dict[str, list[str]]) -> str:
    slug = _text(slug).strip()
    try:
        slug_validator(slug)
    except ValidationError as error:
        errors["slug"] = error.messages
        return slug
    if len(slug) > 80:
        errors["slug"] = [_("Keep the address under 80 characters.")]
    taken = Course.objects.filter(slug=slug)
    if course is not None:
        taken = taken.exclude(pk=course.pk)
    if taken.exists():
        errors["slug"] = [TAKEN_SLUG]
    return slug
