"""Reply views: posting responses and comments, editing, deleting, reacting, endorsing."""

from __future__ import annotations

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
from agora.discussions.forms import ReplyForm, with_file_changes
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import (
    access_thread,
    can_edit,
    can_reply,
    may_take_stance,
)
from agora.discussions.queries import (
    Response,
    post_attachments,
    reactions_of,
    reactors,
)
from agora.discussions.views.editing import (
    edit_post,
    preview_context,
    save_file_changes,
    wants_preview,
)
from agora.discussions.views.page import (
    COUNTERS,
    REACTION_COUNTS,
    THREAD_TEMPLATE,
    _prepare,
    _refused,
    _reply_of,
    _thread_context,
    _visible_reply,
    redirect_back,
)

# --- Replies and comments --------------------------------------------------------------

REACTORS_PER_PAGE = 50


def _post(
    request: HttpRequest, thread: Thread, form: ReplyForm, parent: Reply | None
) -> Reply | int:
    """Post the reply in `form`; return it, or the status to answer with."""
    if not form.is_valid():
        return 400
    try:
        return actions.post_reply(
            author=request.user, thread=thread, parent=parent, **form.cleaned_data
        )
    except ValidationError as error:
        add_errors(form, error)
        return 400
    except PermissionDenied as error:
        # Keep what they typed: the page shows it with the reason.
        form.add_error(None, str(error))
        return 403


@login_required
@require_POST
def reply_create(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    form = ReplyForm(request.POST, request.FILES, with_stance=may_take_stance(thread, None))
    if wants_preview(request):
        # Without JavaScript the Preview button posts the whole form: show it, post nothing.
        context = _thread_context(request, thread, reply_form=form)
        context.update(preview_context(request.POST.get("body", "")))
        return render(request, THREAD_TEMPLATE, context)
    result = _post(request, thread, form, None)
    if isinstance(result, Reply):
        if request.htmx:
            thread.refresh_from_db(fields=COUNTERS)
            context = _thread_context(request, thread, with_responses=False)
            files = {result.pk: list(result.attachments.all())}
            context["item"] = Response(
                _prepare(result, user=request.user, thread=thread, reacted=set(), files=files)
            )
            return render(request, THREAD_TEMPLATE + "#reply-posted", context)
        messages.success(request, _("Your reply is posted."))
        return redirect_back(request, result)
    context = _thread_context(request, thread, reply_form=form, with_responses=not request.htmx)
    template = THREAD_TEMPLATE + ("#reply-form" if request.htmx else "")
    return render(request, template, context, status=result)


@login_required
def comment_create(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    """The comment form under a response (GET), and posting it (POST)."""
    thread = access_thread(request.user, slug, thread_id)
    parent = _visible_reply(request, thread, reply_id)
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        with_stance=True,
        with_files=False,
        auto_id=f"id_c{parent.pk}_%s",
    )
    form.fields["body"].label = _("Your comment")
    if request.method != "POST":
        if not can_reply(request.user, thread):
            raise PermissionDenied(actions.CANNOT_REPLY)
        context = {"space": thread.space, "thread": thread, "parent": parent, "comment_form": form}
        if request.htmx:
            return render(request, THREAD_TEMPLATE + "#comment-form", context)
        return render(request, "discussions/comment_form.html", context)
    result = _post(request, thread, form, parent)
    if isinstance(result, Reply):
        if request.htmx:
            thread.refresh_from_db(fields=COUNTERS)
            context = _thread_context(request, thread)
            context["reply"] = _prepare(result, user=request.user, thread=thread, reacted=set())
            context["parent"] = parent
            return render(request, THREAD_TEMPLATE + "#comment-posted", context)
        messages.success(request, _("Your comment is posted."))
        return redirect(result)
    # A comment on a comment is refused; its form shows under the response.
    context = _thread_context(
        request, thread, comment_form=form, comment_parent_id=parent.parent_id or parent.pk
    )
    if request.htmx:
        context["parent"] = parent
        return render(request, THREAD_TEMPLATE + "#comment-form", context, status=result)
    return render(request, THREAD_TEMPLATE, context, status=result)


@login_required
def reply_edit(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    reply = _reply_of(thread, reply_id)
    if not can_edit(request.user, reply):
        raise PermissionDenied(actions.CANNOT_EDIT)
    with_stance = may_take_stance(thread, reply.parent)
    posted = request.method == "POST"
    form = ReplyForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        with_stance=with_stance,
        with_files=False,
        initial={"body": reply.body, "stance": reply.stance},
    )
    with_file_changes(form, list(post_attachments(post=reply)))

    def save(data: dict) -> None:
        if {"body", "stance"} & set(form.changed_data):
            actions.edit_reply(
                editor=request.user,
                reply=reply,
                body=data["body"],
                stance=data.get("stance") if with_stance else None,
            )
        save_file_changes(request, reply, data)

    return edit_post(
        request,
        thread=thread,
        reply=reply,
        form=form,
        save=save,
        saved=_("Your reply is saved."),
    )


@login_required
@require_POST
def reply_delete(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    reply = _reply_of(thread, reply_id)
    actions.delete_reply(actor=request.user, reply=reply)
    messages.success(request, _("The reply is deleted; its comments stay."))
    return redirect_back(request, reply)


@login_required
@require_POST
def reply_react(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    reply = _visible_reply(request, thread, reply_id)
    # The pressed button says what it does: name "add" or "remove", value the kind.
    undo = "remove" in request.POST
    kind = request.POST.get("remove" if undo else "add", "")
    error = None
    try:
        if undo:
            actions.unreact(user=request.user, reply=reply, kind=kind)
        else:
            actions.react(user=request.user, reply=reply, kind=kind)
    except ValidationError as invalid:
        error = invalid
    if not request.htmx:
        return _refused(request, thread, error) if error else redirect_back(request, reply)
    reply.refresh_from_db(fields=list(REACTION_COUNTS.values()))
    reacted = reactions_of(viewer=request.user, thread=thread)
    context = {
        "space": thread.space,
        "thread": thread,
        "reply": _prepare(reply, user=request.user, thread=thread, reacted=reacted),
        "reaction_error": " ".join(error.messages) if error else "",
    }
    return render(request, THREAD_TEMPLATE + "#reactions", context, status=400 if error else 200)


@login_required
def reply_reactors(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    """Who reacted to a reply, and how."""
    thread = access_thread(request.user, slug, thread_id)
    reply = _visible_reply(request, thread, reply_id)
    context = {
        "space": thread.space,
        "thread": thread,
        "reply": reply,
        "page": paginate(request, reactors(reply=reply), per_page=REACTORS_PER_PAGE),
    }
    return render(request, "discussions/reactors.html", context)


@login_required
@require_POST
def reply_endorse(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    reply = _reply_of(thread, reply_id)
    endorse = request.POST.get("endorse", "1") != "0"
    actions.endorse_reply(actor=request.user, reply=reply, endorse=endorse)
    return redirect_back(request, reply)
