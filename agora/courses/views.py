"""Course pages: the course list and page, lessons per cohort, progress and roster.

Course-level pages (``/courses/<slug>/…``) are where instructors write;
cohort pages (``/spaces/<slug>/lessons/…``) are where learners read, answer
the lesson prompt, mark lessons done and take checks. Every POST goes
through an action: PermissionDenied is the 403 page, ValidationError shows
the form again with its errors (status 400) and what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.courses import actions
from agora.courses.forms import (
    AttachmentForm,
    AttemptForm,
    CheckForm,
    CohortForm,
    CourseForm,
    LessonForm,
    PromptForm,
    QuestionForm,
)
from agora.courses.models import Attempt, Cohort, Course, Lesson, LessonAttachment, Question
from agora.courses.permissions import (
    CANNOT_ROSTER,
    access_cohort,
    access_course,
    access_lesson,
    can_add_cohort,
    can_create_course,
    can_edit_course,
    can_learn_in,
    can_view_roster,
)
from agora.courses.queries import (
    best_scores,
    checked_lessons,
    course_cohorts,
    course_instructors,
    course_list,
    learner_status,
    lesson_check,
    lesson_outline,
    lesson_prompt,
    progress,
    published_count,
    roster,
)
from agora.discussions.views.page import _thread_context


def _editable_course(request: HttpRequest, slug: str) -> Course:
    course = access_course(request.user, slug)
    if not can_edit_course(request.user, course):
        raise PermissionDenied(actions.CANNOT_EDIT)
    return course


def _editable_lesson(request: HttpRequest, slug: str, lesson_id: int) -> tuple[Course, Lesson]:
    course = _editable_course(request, slug)
    return course, access_lesson(request.user, course, lesson_id)


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


# --- courses ---------------------------------------------------------------------------


@login_required
def course_list_page(request: HttpRequest) -> HttpResponse:
    context = {
        "page": paginate(request, course_list(viewer=request.user), per_page=20),
        "may_create": can_create_course(request.user),
    }
    return render(request, "courses/course_list.html", context)


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    if not can_create_course(request.user):
        raise PermissionDenied(actions.CANNOT_CREATE)
    form = CourseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            course = actions.create_course(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The course is ready: add a cohort and lessons."))
            return redirect(course)
    return _form_page(request, "courses/course_form.html", {"course": None}, form)


@login_required
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = access_course(request.user, slug)
    may_edit = can_edit_course(request.user, course)
    context = {
        "course": course,
        "instructors": course_instructors(course=course),
        "cohorts": list(course_cohorts(viewer=request.user, course=course)),
        "lessons": list(lesson_outline(viewer=request.user, course=course)),
        "may_edit": may_edit,
        "may_add_cohort": can_add_cohort(request.user, course),
    }
    return render(request, "courses/course_detail.html", context)


@login_required
def course_edit(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        initial={"title": course.title, "slug": course.slug, "summary": course.summary},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = actions.update_course(
                actor=request.user,
                course=course,
                title=data["title"],
                summary=data["summary"],
                slug=data["slug"] or course.slug,
            )
        except ValidationError as error:
            course.refresh_from_db()
            add_errors(form, error)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(course)
    return _form_page(request, "courses/course_form.html", {"course": course}, form)


@login_required
def cohort_create(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    if not can_add_cohort(request.user, course):
        raise PermissionDenied(actions.CANNOT_ADD_COHORT)
    form = CohortForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions.add_cohort(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The cohort space is ready: invite its learners from there.")
            )
            return redirect(cohort.space)
    return _form_page(request, "courses/cohort_form.html", {"course": course}, form)


# --- writing lessons -------------------------------------------------------------------


@login_required
def lesson_create(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    form = LessonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = actions.create_lesson(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The lesson is saved as a draft."))
            return redirect("lesson_edit", slug=course.slug, lesson_id=lesson.pk)
    return _form_page(request, "courses/lesson_form.html", {"course": course, "lesson": None}, form)


def _lesson_edit_context(course: Course, lesson: Lesson, **forms: Any) -> dict[str, Any]:
    check = lesson_check(lesson=lesson)
    return {
        "course": course,
        "lesson": lesson,
        "attachments": list(lesson.attachments.all()),
        "prompts": list(lesson.prompts.select_related("thread", "cohort__space")),
        "cohort_count": course.cohorts.count(),
        "check": check,
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "prompt_form": forms.get("prompt_form") or PromptForm(),
        "check_form": forms.get("check_form")
        or CheckForm(initial={"passing_score": check.passing_score if check else 70}),
        "question_form": forms.get("question_form") or QuestionForm(),
    }


@login_required
def lesson_edit(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    form = LessonForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title": lesson.title,
            "content": lesson.content,
            "external_url": lesson.external_url,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_lesson(actor=request.user, lesson=lesson, **form.cleaned_data)
        except ValidationError as error:
            lesson.refresh_from_db()
            add_errors(form, error)
        else:
            messages.success(request, _("The lesson is saved."))
            return redirect("lesson_edit", slug=course.slug, lesson_id=lesson.pk)
    return _form_page(
        request, "courses/lesson_form.html", _lesson_edit_context(course, lesson), form
    )


def _edit_page_with(
    request: HttpRequest, course: Course, lesson: Lesson, **forms: Any
) -> HttpResponse:
    """The lesson's edit page again, status 400, with a refused side form kept."""
    form = LessonForm(
        initial={
            "title": lesson.title,
            "content": lesson.content,
            "external_url": lesson.external_url,
        }
    )
    context = {**_lesson_edit_context(course, lesson, **forms), "form": form}
    return render(request, "courses/lesson_form.html", context, status=400)


@login_required
@require_POST
def lesson_publish(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    publish = request.POST.get("publish", "1") != "0"
    actions.publish_lesson(actor=request.user, lesson=lesson, publish=publish)
    messages.success(
        request,
        _("The lesson is published.") if publish else _("The lesson is back to draft."),
    )
    return redirect(course if request.POST.get("back") == "course" else _edit_url(lesson))


def _edit_url(lesson: Lesson) -> str:
    return reverse("lesson_edit", args=[lesson.course.slug, lesson.pk])


@login_required
@require_POST
def lesson_move(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    try:
        actions.move_lesson(
            actor=request.user, lesson=lesson, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(course)


@login_required
@require_POST
def attachment_add(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_attachment(
                actor=request.user, lesson=lesson, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(_edit_url(lesson))
    return _edit_page_with(request, course, lesson, attachment_form=form)


@login_required
@require_POST
def attachment_remove(
    request: HttpRequest, slug: str, lesson_id: int, attachment_id: int
) -> HttpResponse:
    _course, lesson = _editable_lesson(request, slug, lesson_id)
    attachment = get_object_or_404(LessonAttachment, lesson=lesson, pk=attachment_id)
    actions.remove_attachment(actor=request.user, attachment=attachment)
    messages.success(request, _("The file is removed."))
    return redirect(_edit_url(lesson))


@login_required
@require_POST
def prompt_add(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    form = PromptForm(request.POST)
    if form.is_valid():
        try:
            actions.add_prompt(actor=request.user, lesson=lesson, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The prompt is open in every cohort."))
            return redirect(_edit_url(lesson))
    return _edit_page_with(request, course, lesson, prompt_form=form)


@login_required
@require_POST
def check_save(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            actions.set_check(actor=request.user, lesson=lesson, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The passing score is saved."))
            return redirect(_edit_url(lesson) + "#check")
    return _edit_page_with(request, course, lesson, check_form=form)


@login_required
@require_POST
def question_add(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            actions.add_question(
                actor=request.user,
                lesson=lesson,
                text=form.cleaned_data["text"],
                choices=form.choices(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect(_edit_url(lesson) + "#check")
    return _edit_page_with(request, course, lesson, question_form=form)


def _question_of(lesson: Lesson, question_id: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("knowledge_check__lesson__course").prefetch_related(
            "choices"
        ),
        knowledge_check__lesson=lesson,
        pk=question_id,
    )
    return question


@login_required
def question_edit(
    request: HttpRequest, slug: str, lesson_id: int, question_id: int
) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    question = _question_of(lesson, question_id)
    form = QuestionForm(request.POST if request.method == "POST" else None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_question(
                actor=request.user,
                question=question,
                text=form.cleaned_data["text"],
                choices=form.choices(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The question is saved."))
            return redirect(_edit_url(lesson) + "#check")
    context = {"course": course, "lesson": lesson, "question": question}
    return _form_page(request, "courses/question_form.html", context, form)


@login_required
@require_POST
def question_delete(
    request: HttpRequest, slug: str, lesson_id: int, question_id: int
) -> HttpResponse:
    _course, lesson = _editable_lesson(request, slug, lesson_id)
    actions.delete_question(actor=request.user, question=_question_of(lesson, question_id))
    messages.success(request, _("The question is deleted."))
    return redirect(_edit_url(lesson) + "#check")


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
    user = request.user
    context: dict[str, Any] = {}
    thread = lesson_prompt(lesson=lesson, cohort=cohort)
    if thread is not None:
        context.update(_thread_context(request, thread))
        context["next_url"] = request.path
    outline = lesson_outline(viewer=user, course=cohort.course)
    index = next((i for i, item in enumerate(outline) if item.pk == lesson.pk), 0)
    check = lesson_check(lesson=lesson)
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
            "previous_lesson": outline[index - 1] if index > 0 else None,
            "next_lesson": outline[index + 1] if index + 1 < len(outline) else None,
            "position": index + 1,
            "lesson_count": len(outline),
            "attachments": list(lesson.attachments.all()),
            "check": check,
            "attempt_form": attempt_form,
            "attempt": attempt,
            "status": learner_status(user=user, cohort=cohort, lesson=lesson),
            "may_learn": may_learn,
            "may_edit": can_edit_course(user, cohort.course),
        }
    )
    return context


@login_required
def lesson_detail(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    _unwrap_user(request)
    cohort = access_cohort(request.user, slug)
    lesson = access_lesson(request.user, cohort.course, lesson_id)
    return render(request, "courses/lesson_detail.html", _lesson_context(request, cohort, lesson))


def _lesson_url(cohort: Cohort, lesson: Lesson) -> str:
    return reverse("lesson_detail", args=[cohort.space.slug, lesson.pk])


@login_required
@require_POST
def lesson_complete(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    _unwrap_user(request)
    cohort = access_cohort(request.user, slug)
    lesson = access_lesson(request.user, cohort.course, lesson_id)
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
    _unwrap_user(request)
    cohort = access_cohort(request.user, slug)
    lesson = access_lesson(request.user, cohort.course, lesson_id)
    check = lesson_check(lesson=lesson)
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
