"""Thread views: a space's thread list, a new thread, editing, deleting, moderating, accepting."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.discussions import actions
from agora.discussions.forms import (
    ThreadEditForm,
    ThreadFilterForm,
    ThreadForm,
)
from agora.discussions.models import Thread
from agora.discussions.permissions import (
    access_thread,
    allowed_thread_kinds,
    can_edit,
)
from agora.discussions.queries import (
    is_following_space,
    post_attachments,
    space_threads,
    unanswered_questions,
)
from agora.discussions.views.editing import (
    edit_post,
    preview_context,
    save_file_changes,
    wants_preview,
)
from agora.discussions.views.page import CANNOT_READ, _refused, _reply_of, redirect_back
from agora.spaces.permissions import access_space, can_manage, can_view_content

# --- Thread list and new thread --------------------------------------------------------


@login_required
def thread_list(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_view_content(request.user, space):
        raise PermissionDenied(CANNOT_READ)
    form = ThreadFilterForm(request.GET or None, space=space)
    filters = form.cleaned_data if form.is_valid() else {}
    skill = filters["skill"].slug if filters.get("skill") else ""
    if filters.get("unanswered"):
        threads = unanswered_questions(space=space, skill=skill)
    else:
        threads = space_threads(
            space=space, kind=filters.get("kind", ""), viewer=request.user, skill=skill
        )
    context = {
        "space": space,
        "form": form,
        "may_moderate": can_manage(request.user, space),
        "page": paginate(request, threads, per_page=25),
        "can_start": bool(allowed_thread_kinds(request.user, space)),
        # Called by the full page only (the button is outside the htmx fragment).
        "following_space": partial(is_following_space, user=request.user, space=space),
    }
    template = "discussions/thread_list.html"
    return render(request, template + ("#thread-results" if request.htmx else ""), context)


@login_required
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    kinds = allowed_thread_kinds(request.user, space)
    if not kinds:
        raise PermissionDenied(actions.CANNOT_START)
    form = ThreadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        kinds=kinds,
        initial={"kind": request.GET.get("kind", Thread.Kind.DISCUSSION)},
    )
    if wants_preview(request):
        context = {"form": form, "space": space, **preview_context(request.POST.get("body", ""))}
        return render(request, "discussions/thread_form.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            thread = actions.start_thread(author=request.user, space=space, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your thread is posted."))
            return redirect(thread)
    return render(
        request,
        "discussions/thread_form.html",
        {"form": form, "space": space},
        status=400 if form.errors else 200,
    )


# --- The thread itself -----------------------------------------------------------------


@login_required
@require_POST
def answer_accept(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    raw = request.POST.get("reply", "")
    if raw and not raw.isdigit():
        return _refused(request, thread, ValidationError(_("Choose a reply of this question.")))
    reply = _reply_of(thread, int(raw)) if raw else None
    try:
        actions.accept_answer(actor=request.user, thread=thread, reply=reply)
    except ValidationError as error:
        return _refused(request, thread, error)
    return redirect_back(request, reply or thread)


@login_required
@require_POST
def thread_moderate(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    changes: dict[str, bool] = {}
    for field, name in (("is_pinned", "pin"), ("is_locked", "lock"), ("is_closed", "close")):
        value = request.POST.get(name)
        if value is None:
            continue
        if value not in ("0", "1"):
            return _refused(request, thread, ValidationError(_("Choose on or off.")))
        changes[field] = value == "1"
    actions.moderate_thread(actor=request.user, thread=thread, **changes)
    return redirect(thread)


@login_required
def thread_edit(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    if not can_edit(request.user, thread):
        raise PermissionDenied(actions.CANNOT_EDIT)
    posted = request.method == "POST"
    form = ThreadEditForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        attachments=list(post_attachments(post=thread)),
        initial={
            "title": thread.title,
            "body": thread.body,
            "skills": [skill.pk for skill in thread.skills.all()],
        },
    )

    def save(data: dict) -> None:
        if {"title", "body", "skills"} & set(form.changed_data):
            actions.edit_thread(
                editor=request.user,
                thread=thread,
                title=data["title"],
                body=data["body"],
                skills=data["skills"],
            )
        save_file_changes(request, thread, data)

    return edit_post(
        request,
        thread=thread,
        reply=None,
        form=form,
        save=save,
        saved=_("The thread is saved."),
    )


@login_required
@require_POST
def thread_delete(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    actions.delete_thread(actor=request.user, thread=thread)
    messages.success(request, _("The thread is deleted; its replies stay."))
    return redirect(thread)
