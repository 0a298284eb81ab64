"""Every write to courses, cohorts, lessons, prompts, completions and checks.

Each action checks permission, validates, renders Markdown, saves and
records its event, in one transaction. Cohort spaces are created through the
space actions and prompt threads through the discussion actions, so their
own rules and events apply too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agora.accounts.models import User
from agora.core.events import record
from agora.core.markdown import render_markdown
from agora.core.uploads import checked_file
from agora.courses.models import (
    MAX_CHOICE,
    MAX_CONTENT,
    MAX_QUESTION,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_URL,
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
    can_add_cohort,
    can_attach_space,
    can_create_course,
    can_edit_course,
    can_learn_in,
    forget_courses,
)
from agora.discussions import actions as discussion_actions
from agora.discussions.models import Thread
from agora.spaces import actions as space_actions
from agora.spaces.models import Space, slug_validator

CANNOT_CREATE = _("Only learning staff and org admins may create courses.")
CANNOT_EDIT = _("Only the course's instructors may do this.")
CANNOT_ADD_COHORT = _("Only instructors who are learning staff may add a cohort.")
CANNOT_LEARN = _("Join this course space to take part.")
NOT_PUBLISHED = _("This lesson is not published.")
EMPTY_TITLE = _("Give it a title.")
BAD_URL = _("Enter a web address starting with http:// or https://.")
TAKEN_SLUG = _("This address is taken; choose another.")
ALREADY_COHORT = _("This space already runs a course.")
NOT_COURSE_SPACE = _("Choose a course space you manage.")
ALREADY_PROMPTED = _("This lesson already has a prompt in every cohort.")
NO_COHORTS = _("Add a cohort first: a prompt is discussed in a cohort's space.")
NOT_A_PROMPT = _("Choose a lesson prompt thread of one of this course's cohorts.")
TWO_CHOICES = _("Give at least two choices.")
ONE_CORRECT = _("Mark at least one choice as correct.")
NO_CHECK = _("This lesson has no knowledge check.")
NO_QUESTIONS = _("This check has no questions yet.")
ANSWER_ALL = _("Answer every question: %(missing)s.")
FOREIGN_CHOICE = _("Choose among the choices of each question.")
BAD_SCORE = _("Enter a whole number from 0 to 100.")
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


# --- lessons ---------------------------------------------------------------------------


def _clean_lesson(
    title: str | None, content: str | None, external_url: str | None
) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    title = _title(title, errors)
    content = _markdown(content, MAX_CONTENT, "content", errors)
    external_url = clean_external_url(external_url, errors)
    _raise(errors)
    return title, content, external_url


@transaction.atomic
def create_lesson(
    *,
    actor: User,
    course: Course,
    title: str,
    content: str = "",
    external_url: str = "",
    publish: bool = False,
) -> Lesson:
    """Add a lesson at the end of `course` (a draft unless `publish`); record ``lesson.created``."""
    _require_editor(actor, course)
    title, content, external_url = _clean_lesson(title, content, external_url)
    # Lock the course row so two lessons added at once get different positions.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    last = Lesson.objects.filter(course=course).aggregate(last=Max("position"))["last"]
    lesson = Lesson.objects.create(
        course=course,
        title=title,
        content=content,
        content_html=render_markdown(content),
        external_url=external_url,
        position=0 if last is None else last + 1,
        created_by=actor,
    )
    record(actor=actor, verb="lesson.created", obj=lesson, **_lesson_snapshot(lesson))
    if publish:
        publish_lesson(actor=actor, lesson=lesson)
    return lesson


@transaction.atomic
def update_lesson(
    *,
    actor: User,
    lesson: Lesson,
    title: str | None = None,
    content: str | None = None,
    external_url: str | None = None,
) -> Lesson:
    """Change a lesson's title, content or external link; record ``lesson.updated``."""
    _require_editor(actor, lesson.course)
    title, content, external_url = _clean_lesson(
        lesson.title if title is None else title,
        lesson.content if content is None else content,
        lesson.external_url if external_url is None else external_url,
    )
    lesson.title, lesson.content, lesson.external_url = title, content, external_url
    lesson.content_html = render_markdown(content)
    lesson.updated_at = timezone.now()
    lesson.save()
    record(actor=actor, verb="lesson.updated", obj=lesson, **_lesson_snapshot(lesson))
    return lesson


@transaction.atomic
def publish_lesson(*, actor: User, lesson: Lesson, publish: bool = True) -> Lesson:
    """Show a lesson to learners (or take it back); record ``lesson.published`` per cohort."""
    _require_editor(actor, lesson.course)
    if lesson.is_published == publish:
        return lesson
    lesson.is_published = publish
    lesson.published_at = timezone.now() if publish else None
    lesson.save(update_fields=["is_published", "published_at"])
    verb = "lesson.published" if publish else "lesson.unpublished"
    cohorts = list(lesson.course.cohorts.select_related("space"))
    for cohort in cohorts:
        record(
            actor=actor,
            verb=verb,
            obj=lesson,
            space=cohort.space,
            **_lesson_snapshot(lesson),
            **_cohort_snapshot(cohort),
        )
    if not cohorts:
        record(actor=actor, verb=verb, obj=lesson, **_lesson_snapshot(lesson))
    return lesson


def _renumber(lessons: Sequence[Lesson]) -> None:
    for position, lesson in enumerate(lessons):
        lesson.position = position
    Lesson.objects.bulk_update(lessons, ["position"])


@transaction.atomic
def move_lesson(*, actor: User, lesson: Lesson, direction: str) -> Lesson:
    """Swap a lesson with its neighbour above or below; record ``lesson.moved``."""
    _require_editor(actor, lesson.course)
    if direction not in MOVES:
        raise ValidationError({"direction": [_("Move up or down.")]})
    lessons = list(
        Lesson.objects.select_for_update().filter(course=lesson.course).order_by("position", "pk")
    )
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(lessons):
        lessons[index], lessons[other] = lessons[other], lessons[index]
        _renumber(lessons)
        lesson.position = other
        record(
            actor=actor,
            verb="lesson.moved",
            obj=lesson,
            position=other,
            **_lesson_snapshot(lesson),
        )
    return lesson


@transaction.atomic
def reorder_lessons(*, actor: User, course: Course, lesson_ids: Sequence[int]) -> list[Lesson]:
    """Put the lessons of `course` in the order of `lesson_ids` (each exactly once)."""
    _require_editor(actor, course)
    lessons = {
        lesson.pk: lesson for lesson in Lesson.objects.select_for_update().filter(course=course)
    }
    if sorted(lesson_ids) != sorted(lessons) or len(set(lesson_ids)) != len(lesson_ids):
        raise ValidationError({"lesson_ids": [_("List every lesson of this course exactly once.")]})
    ordered = [lessons[pk] for pk in lesson_ids]
    _renumber(ordered)
    record(
        actor=actor,
        verb="lessons.reordered",
        obj=course,
        lesson_ids=list(lesson_ids),
        **_course_snapshot(course),
    )
    return ordered


@transaction.atomic
def add_attachment(*, actor: User, lesson: Lesson, upload: UploadedFile) -> LessonAttachment:
    """Attach a file, checked by its content and size; record ``lesson.file_added``."""
    _require_editor(actor, lesson.course)
    limit = getattr(settings, "AGORA_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    try:
        checked = checked_file(upload, max_bytes=limit)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = LessonAttachment(
        lesson=lesson,
        uploader=actor,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
    )
    attachment.file.save(checked.content.name, checked.content, save=False)
    attachment.save()
    record(
        actor=actor,
        verb="lesson.file_added",
        obj=attachment,
        file_name=attachment.name,
        **_lesson_snapshot(lesson),
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, attachment: LessonAttachment) -> None:
    """Delete an attachment and its stored file (once the transaction commits)."""
    lesson = attachment.lesson
    _require_editor(actor, lesson.course)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record(
        actor=actor,
        verb="lesson.file_removed",
        obj=lesson,
        file_name=attachment.name,
        **_lesson_snapshot(lesson),
    )


# --- prompts ---------------------------------------------------------------------------


@transaction.atomic
def add_prompt(
    *, actor: User, lesson: Lesson, title: str, body: str = "", post_first: bool = False
) -> list[LessonPrompt]:
    """Open the lesson's prompt: one prompt thread in each cohort that has none yet.

    Cohorts discuss separately. The threads are started by the discussion
    actions (``thread.started``, kind prompt), so `actor` must be able to
    start a prompt in each cohort space.
    """
    _require_editor(actor, lesson.course)
    cohorts = list(lesson.course.cohorts.select_related("space").order_by("pk"))
    if not cohorts:
        raise ValidationError(NO_COHORTS, code="no_cohorts")
    done = set(LessonPrompt.objects.filter(lesson=lesson).values_list("cohort_id", flat=True))
    waiting = [cohort for cohort in cohorts if cohort.pk not in done]
    if not waiting:
        raise ValidationError(ALREADY_PROMPTED, code="already_prompted")
    prompts = []
    for cohort in waiting:
        thread = discussion_actions.start_thread(
            author=actor,
            space=cohort.space,
            kind=Thread.Kind.PROMPT,
            title=title,
            body=body,
            post_first=post_first,
        )
        prompts.append(LessonPrompt.objects.create(lesson=lesson, cohort=cohort, thread=thread))
    return prompts


@transaction.atomic
def attach_prompt(*, actor: User, lesson: Lesson, thread: Thread) -> LessonPrompt:
    """Make an existing prompt thread of a cohort space the lesson's prompt there."""
    _require_editor(actor, lesson.course)
    cohort = Cohort.objects.filter(course=lesson.course, space_id=thread.space_id).first()
    if cohort is None or thread.kind != Thread.Kind.PROMPT or thread.is_deleted:
        raise ValidationError({"thread": [NOT_A_PROMPT]})
    try:
        with transaction.atomic():
            return LessonPrompt.objects.create(lesson=lesson, cohort=cohort, thread=thread)
    except IntegrityError as error:
        raise ValidationError({"thread": [ALREADY_PROMPTED]}) from error


# --- completion ------------------------------------------------------------------------


def _require_learner(user: User, cohort: Cohort, lesson: Lesson) -> None:
    if not can_learn_in(user, cohort):
        raise PermissionDenied(CANNOT_LEARN)
    if lesson.course_id != cohort.course_id or not lesson.is_published:
        raise ValidationError(NOT_PUBLISHED, code="not_published")


@transaction.atomic
def complete_lesson(*, user: User, cohort: Cohort, lesson: Lesson) -> Completion:
    """Mark `lesson` done for `user` in `cohort` (once); record ``lesson.completed``."""
    _require_learner(user, cohort, lesson)
    completion, created = Completion.objects.get_or_create(cohort=cohort, lesson=lesson, user=user)
    if created:
        record(
            actor=user,
            verb="lesson.completed",
            obj=lesson,
            space=cohort.space,
            **_lesson_snapshot(lesson),
            **_cohort_snapshot(cohort),
        )
    return completion


@transaction.atomic
def uncomplete_lesson(*, user: User, cohort: Cohort, lesson: Lesson) -> None:
    """Undo marking `lesson` done; record ``lesson.uncompleted`` when there was a mark."""
    if not can_learn_in(user, cohort):
        raise PermissionDenied(CANNOT_LEARN)
    deleted, _rows = Completion.objects.filter(cohort=cohort, lesson=lesson, user=user).delete()
    if deleted:
        record(
            actor=user,
            verb="lesson.uncompleted",
            obj=lesson,
            space=cohort.space,
            **_lesson_snapshot(lesson),
            **_cohort_snapshot(cohort),
        )


# --- knowledge checks ------------------------------------------------------------------


@transaction.atomic
def set_check(*, actor: User, lesson: Lesson, passing_score: int) -> KnowledgeCheck:
    """Give the lesson a knowledge check (or change its passing score)."""
    _require_editor(actor, lesson.course)
    if (
        isinstance(passing_score, bool)
        or not isinstance(passing_score, int)
        or not 0 <= passing_score <= 100
    ):
        raise ValidationError({"passing_score": [BAD_SCORE]})
    check, _created = KnowledgeCheck.objects.update_or_create(
        lesson=lesson, defaults={"passing_score": passing_score}
    )
    record(
        actor=actor,
        verb="check.updated",
        obj=check,
        passing_score=passing_score,
        **_lesson_snapshot(lesson),
    )
    return check


def _clean_question(
    text: str, choices: Iterable[tuple[str, bool]]
) -> tuple[str, list[tuple[str, bool]]]:
    errors: dict[str, list[str]] = {}
    text = " ".join(_text(text).split())
    if not text:
        errors["text"] = [_("Write the question.")]
    elif len(text) > MAX_QUESTION:
        errors["text"] = [_("Keep the question under %(n)d characters.") % {"n": MAX_QUESTION}]
    cleaned = []
    for choice_text, is_correct in choices:
        choice_text = " ".join(_text(choice_text).split())
        if not choice_text:
            continue
        if len(choice_text) > MAX_CHOICE:
            errors["choices"] = [_("Keep each choice under %(n)d characters.") % {"n": MAX_CHOICE}]
        cleaned.append((choice_text, bool(is_correct)))
    if "choices" not in errors:
        if len(cleaned) < 2:
            errors["choices"] = [TWO_CHOICES]
        elif not any(correct for _choice, correct in cleaned):
            errors["choices"] = [ONE_CORRECT]
    _raise(errors)
    return text, cleaned


def _write_choices(question: Question, choices: list[tuple[str, bool]]) -> None:
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=correct, position=position)
        for position, (text, correct) in enumerate(choices)
    )


@transaction.atomic
def add_question(
    *, actor: User, lesson: Lesson, text: str, choices: Iterable[tuple[str, bool]]
) -> Question:
    """Add a multiple-choice question (two choices or more, one correct at least)."""
    _require_editor(actor, lesson.course)
    text, cleaned = _clean_question(text, choices)
    check, _created = KnowledgeCheck.objects.get_or_create(lesson=lesson)
    last = check.questions.aggregate(last=Max("position"))["last"]
    question = Question.objects.create(
        knowledge_check=check, text=text, position=0 if last is None else last + 1
    )
    _write_choices(question, cleaned)
    record(
        actor=actor,
        verb="check.updated",
        obj=check,
        question_id=question.pk,
        **_lesson_snapshot(lesson),
    )
    return question


@transaction.atomic
def update_question(
    *, actor: User, question: Question, text: str, choices: Iterable[tuple[str, bool]]
) -> Question:
    """Replace a question's text and choices."""
    lesson = question.knowledge_check.lesson
    _require_editor(actor, lesson.course)
    text, cleaned = _clean_question(text, choices)
    question.text = text
    question.save(update_fields=["text"])
    question.choices.all().delete()
    _write_choices(question, cleaned)
    record(
        actor=actor,
        verb="check.updated",
        obj=question.knowledge_check,
        question_id=question.pk,
        **_lesson_snapshot(lesson),
    )
    return question


@transaction.atomic
def delete_question(*, actor: User, question: Question) -> None:
    lesson = question.knowledge_check.lesson
    _require_editor(actor, lesson.course)
    check = question.knowledge_check
    question.delete()
    record(actor=actor, verb="check.updated", obj=check, **_lesson_snapshot(lesson))


def score_answers(
    check: KnowledgeCheck, answers: dict[int, Sequence[int]]
) -> tuple[int, bool, dict[str, list[int]]]:
    """Return (score in percent, passed, cleaned answers) for `answers` to `check`.

    A question counts as right when exactly its correct choices are chosen.
    Raise ValidationError when a question is left out or a choice id belongs
    to another question.
    """
    questions = list(check.questions.prefetch_related("choices").order_by("position", "pk"))
    if not questions:
        raise ValidationError(NO_QUESTIONS, code="no_questions")
    known = {question.pk for question in questions}
    if any(key not in known for key in answers):
        raise ValidationError({"answers": [FOREIGN_CHOICE]})
    missing = [
        str(number)
        for number, question in enumerate(questions, start=1)
        if not answers.get(question.pk)
    ]
    if missing:
        raise ValidationError({"answers": [ANSWER_ALL % {"missing": ", ".join(missing)}]})
    right = 0
    cleaned: dict[str, list[int]] = {}
    for question in questions:
        chosen = set(answers[question.pk])
        ids = {choice.pk for choice in question.choices.all()}
        if not chosen <= ids:
            raise ValidationError({"answers": [FOREIGN_CHOICE]})
        correct = {choice.pk for choice in question.choices.all() if choice.is_correct}
        right += chosen == correct
        cleaned[str(question.pk)] = sorted(chosen)
    score = round(100 * right / len(questions))
    return score, score >= check.passing_score, cleaned


@transaction.atomic
def submit_attempt(
    *, user: User, cohort: Cohort, lesson: Lesson, answers: dict[int, Sequence[int]]
) -> Attempt:
    """Score one try at the lesson's check and keep it; record ``check.attempted``."""
    _require_learner(user, cohort, lesson)
    check = KnowledgeCheck.objects.filter(lesson=lesson).first()
    if check is None:
        raise ValidationError(NO_CHECK, code="no_check")
    score, passed, cleaned = score_answers(check, answers)
    attempt = Attempt.objects.create(
        knowledge_check=check,
        cohort=cohort,
        user=user,
        answers=cleaned,
        score=score,
        passed=passed,
    )
    record(
        actor=user,
        verb="check.attempted",
        obj=attempt,
        space=cohort.space,
        score=score,
        passed=passed,
        **_lesson_snapshot(lesson),
        **_cohort_snapshot(cohort),
    )
    return attempt
