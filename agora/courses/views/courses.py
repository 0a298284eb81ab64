"""Where instructors write: the course list and page, courses, cohorts, lessons, files,
prompts and knowledge checks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.core.uploads import stored_file_response, video_part_response
from agora.courses import actions
from agora.courses.forms import (
    AttachmentForm,
    CheckForm,
    CohortForm,
    CourseForm,
    LessonForm,
    PromptForm,
    QuestionForm,
)
from agora.courses.models import Course, Lesson
from agora.courses.permissions import (
    access_course,
    access_lesson,
    can_add_cohort,
    can_create_course,
    can_edit_course,
)
from agora.courses.queries import (
    course_cohorts,
    course_instructors,
    course_list,
    lesson_attachment,
    lesson_check,
    lesson_outline,
    lesson_question,
)


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
    cohorts = list(course_cohorts(viewer=request.user, course=course))
    context = {
        "course": course,
        "instructors": course_instructors(course=course),
        "cohorts": cohorts,
        # Lesson links open in the viewer's own cohort, else in the first they may read.
        "home_cohort": next((c for c in cohorts if c.is_mine), cohorts[0] if cohorts else None),
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
        request.FILES if request.method == "POST" else None,
        initial=_lesson_initial(lesson),
        with_video=True,
        has_video=lesson.video_id is not None,
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


def _lesson_initial(lesson: Lesson) -> dict[str, str]:
    return {
        "title": lesson.title,
        "content": lesson.content,
        "external_url": lesson.external_url,
        "captions_language": (lesson.video and lesson.video.captions_language) or "en",
    }


def _edit_page_with(
    request: HttpRequest, course: Course, lesson: Lesson, **forms: Any
) -> HttpResponse:
    """The lesson's edit page again, status 400, with a refused side form kept."""
    form = LessonForm(
        initial=_lesson_initial(lesson), with_video=True, has_video=lesson.video_id is not None
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
def attachment_download(
    request: HttpRequest, slug: str, lesson_id: int, attachment_id: int
) -> HttpResponse:
    """Serve a lesson's file to whoever may see the lesson (404 for anyone else)."""
    course = access_course(request.user, slug)
    lesson = access_lesson(request.user, course, lesson_id)
    attachment = lesson_attachment(lesson=lesson, attachment_id=attachment_id)
    return stored_file_response(
        attachment.file,
        name=attachment.name,
        content_type=attachment.content_type,
        request=request,
    )


@login_required
def lesson_video_file(request: HttpRequest, slug: str, lesson_id: int, part: str) -> HttpResponse:
    """Serve a lesson's video, poster or captions to whoever may see the lesson (else 404)."""
    course = access_course(request.user, slug)
    lesson = access_lesson(request.user, course, lesson_id)
    return video_part_response(request, lesson.video, part)


@login_required
@require_POST
def attachment_remove(
    request: HttpRequest, slug: str, lesson_id: int, attachment_id: int
) -> HttpResponse:
    _course, lesson = _editable_lesson(request, slug, lesson_id)
    attachment = lesson_attachment(lesson=lesson, attachment_id=attachment_id)
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


@login_required
def question_edit(
    request: HttpRequest, slug: str, lesson_id: int, question_id: int
) -> HttpResponse:
    course, lesson = _editable_lesson(request, slug, lesson_id)
    question = lesson_question(lesson=lesson, question_id=question_id)
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
    actions.delete_question(
        actor=request.user, question=lesson_question(lesson=lesson, question_id=question_id)
    )
    messages.success(request, _("The question is deleted."))
    return redirect(_edit_url(lesson) + "#check")
