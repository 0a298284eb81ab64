"""Where learners learn: a cohort's lessons with my progress, the lesson page beside its
prompt, marking done, taking the check; the instructors' roster."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.courses import actions
from agora.courses.forms import (
    AttemptForm,
)
from agora.courses.models import Attempt, Cohort, Lesson
from agora.courses.permissions import (
    CANNOT_ROSTER,
    access_cohort,
    can_edit_course,
    can_learn_in,
    can_view_roster,
)
from agora.courses.queries import (
    best_scores,
    checked_lessons,
    cohort_membership,
    lesson_page,
    progress,
    published_count,
    roster,
)
from agora.discussions.views.page import _thread_context

# --- learning in a cohort --------------------------------------------------------------


@login_required
def cohort_lessons(request: HttpRequest, slug: str) -> HttpResponse:
    """The cohort's lessons with my progress: done or not, best check score."""
    cohort = access_cohort(request.user, slug)
    context = {
        "cohort": cohort,
        "course": cohort.course,
        "space": cohort.space,
        "rows": progress(viewer=request.user, user=request.user, cohort=cohort),
        "may_learn": can_learn_in(request.user, cohort),
        "may_edit": can_edit_course(request.user, cohort.course),
        "may_roster": can_view_roster(request.user, cohort),
    }
    return render(request, "courses/cohort_lessons.html", context)


@login_required
def learner_progress(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """One learner's progress in the cohort, for its instructors (from the roster)."""
    cohort = access_cohort(request.user, slug)
    if not can_view_roster(request.user, cohort):
        raise PermissionDenied(CANNOT_ROSTER)
    membership = cohort_membership(cohort=cohort, user_id=user_id)
    context = {
        "cohort": cohort,
        "course": cohort.course,
        "space": cohort.space,
        "learner": membership.user,
        "rows": progress(viewer=request.user, user=membership.user, cohort=cohort),
        "may_roster": True,
    }
    return render(request, "courses/cohort_lessons.html", context)


def _unwrap_user(request: HttpRequest) -> None:
    """Use the user object itself, not its lazy wrapper, as the discussion views do:
    the space-role cache then lives on one object for the whole page."""
    if request.user.is_authenticated:  # this also unwraps the lazy object
        request.user = getattr(request.user, "_wrapped", request.user)


def _lesson_context(
    request: HttpRequest,
    cohort: Cohort,
    lesson: Lesson,
    *,
    attempt_form: AttemptForm | None = None,
    attempt: Attempt | None = None,
) -> dict[str, Any]:
    """What lesson_detail.html reads; `lesson` comes from `_page_lesson`."""
    user = request.user
    context: dict[str, Any] = {}
    thread = lesson.prompt
    if thread is not None:
        context.update(_thread_context(request, thread))
        # Replies posted from here come back here; filtering the replies stays here.
        context["next_url"] = context["responses_url"] = request.path
    check = lesson.page_check
    may_learn = can_learn_in(user, cohort)
    if check is not None and attempt_form is None and may_learn:
        attempt_form = AttemptForm(check=check, auto_id="check_%s")
    context.update(
        {
            "cohort": cohort,
            "course": cohort.course,
            "space": cohort.space,
            "lesson": lesson,
            "prompt": thread,
            "previous_lesson": lesson.previous_lesson,
            "next_lesson": lesson.next_lesson,
            "position": lesson.number,
            "lesson_count": lesson.lesson_count,
            "attachments": lesson.file_list,
            "check": check,
            "attempt_form": attempt_form,
            "attempt": attempt,
            "status": lesson.status,
            "may_learn": may_learn,
            "may_edit": can_edit_course(user, cohort.course),
        }
    )
    return context


def _page_lesson(request: HttpRequest, slug: str, lesson_id: int) -> tuple[Cohort, Lesson]:
    """The cohort and the lesson with what its page shows (or 404/403), in two queries."""
    _unwrap_user(request)
    cohort = access_cohort(request.user, slug)
    lesson = lesson_page(viewer=request.user, cohort=cohort, lesson_id=lesson_id)
    if lesson is None:
        raise Http404("No such lesson.")
    return cohort, lesson


@login_required
def lesson_detail(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    cohort, lesson = _page_lesson(request, slug, lesson_id)
    context = _lesson_context(request, cohort, lesson)
    if request.htmx and request.GET and context["prompt"] is not None:
        # The prompt's stance filter and sort, swapped in place (the thread page's fragment).
        return render(request, "discussions/thread_detail.html#responses", context)
    return render(request, "courses/lesson_detail.html", context)


def _lesson_url(cohort: Cohort, lesson: Lesson) -> str:
    return reverse("lesson_detail", args=[cohort.space.slug, lesson.pk])


@login_required
@require_POST
def lesson_complete(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    cohort, lesson = _page_lesson(request, slug, lesson_id)
    try:
        if request.POST.get("done", "1") == "0":
            actions.uncomplete_lesson(user=request.user, cohort=cohort, lesson=lesson)
            messages.success(request, _("The lesson is marked not done."))
        else:
            actions.complete_lesson(user=request.user, cohort=cohort, lesson=lesson)
            messages.success(request, _("Well done: the lesson is marked done."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        context = _lesson_context(request, cohort, lesson)
        return render(request, "courses/lesson_detail.html", context, status=400)
    return redirect(_lesson_url(cohort, lesson))


@login_required
@require_POST
def check_attempt(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    cohort, lesson = _page_lesson(request, slug, lesson_id)
    check = lesson.page_check
    if check is None:
        raise Http404("This lesson has no knowledge check.")
    if not can_learn_in(request.user, cohort):
        raise PermissionDenied(actions.CANNOT_LEARN)
    form = AttemptForm(request.POST, check=check, auto_id="check_%s")
    attempt = None
    if form.is_valid():
        try:
            attempt = actions.submit_attempt(
                user=request.user, cohort=cohort, lesson=lesson, answers=form.answers()
            )
        except ValidationError as error:
            add_errors(form, error)
    if attempt is not None:  # the best score and the count now include this attempt
        cohort, lesson = _page_lesson(request, slug, lesson_id)
    context = _lesson_context(request, cohort, lesson, attempt_form=form, attempt=attempt)
    return render(
        request, "courses/lesson_detail.html", context, status=400 if form.errors else 200
    )


@login_required
def cohort_roster(request: HttpRequest, slug: str) -> HttpResponse:
    """Each learner: lessons done of the published ones, best scores, contributions."""
    cohort = access_cohort(request.user, slug)
    if not can_view_roster(request.user, cohort):
        raise PermissionDenied(CANNOT_ROSTER)
    page = paginate(request, roster(cohort=cohort), per_page=25)
    lessons = checked_lessons(cohort=cohort)
    scores = best_scores(cohort=cohort, user_ids=[row.user_id for row in page])
    for row in page:
        row.scores = [scores.get((row.user_id, lesson.pk)) for lesson in lessons]
        row.contributions = row.thread_count + row.reply_count
    context = {
        "cohort": cohort,
        "course": cohort.course,
        "space": cohort.space,
        "page": page,
        "checked_lessons": lessons,
        "lesson_total": published_count(course=cohort.course),
    }
    return render(request, "courses/roster.html", context)
