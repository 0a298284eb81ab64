"""What learners do: completing lessons and taking knowledge checks; building the checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from agora.accounts.models import User
from agora.core.events import record
from agora.courses.actions._common import (
    ANSWER_ALL,
    BAD_SCORE,
    CANNOT_LEARN,
    FOREIGN_CHOICE,
    NO_CHECK,
    NO_QUESTIONS,
    NOT_PUBLISHED,
    ONE_CORRECT,
    TWO_CHOICES,
    _cohort_snapshot,
    _lesson_snapshot,
    _raise,
    _require_editor,
    _text,
)
from agora.courses.models import (
    MAX_CHOICE,
    MAX_QUESTION,
    Attempt,
    Choice,
    Cohort,
    Completion,
    KnowledgeCheck,
    Lesson,
    Question,
)
from agora.courses.permissions import (
    can_learn_in,
)

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
