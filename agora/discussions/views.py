"""Discussion pages: a space's threads, a new thread, a thread with its replies.

Every POST goes through an action, which checks permission: PermissionDenied
shows the 403 page (or, for a reply, the page with the typed text kept), and
ValidationError shows the form again with its errors, status 400. htmx
requests get fragments (a posted reply, a reaction toggle); everything works
without JavaScript through plain forms and redirects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.discussions import actions
from agora.discussions.forms import (
    ReplyFilterForm,
    ReplyForm,
    ThreadEditForm,
    ThreadFilterForm,
    ThreadForm,
)
from agora.discussions.models import Reaction, Reply, Thread
from agora.discussions.permissions import (
    access_thread,
    allowed_thread_kinds,
    can_accept_answer,
    can_delete,
    can_edit,
    can_moderate,
    can_react,
    can_reply,
    can_see_replies,
    may_take_stance,
)
from agora.discussions.queries import (
    Response,
    has_posted_in,
    reactions_of,
    reactors,
    space_threads,
    thread_replies,
    unanswered_questions,
)
from agora.spaces.permissions import access_space, can_view_content

REACTION_LABELS = {
    Reaction.Kind.HELPFUL: (gettext_lazy("Helpful"), gettext_lazy("Mark helpful")),
    Reaction.Kind.INSIGHTFUL: (gettext_lazy("Insightful"), gettext_lazy("Mark insightful")),
    Reaction.Kind.THANKS: (gettext_lazy("Thanks"), gettext_lazy("Say thanks")),
}
REACTION_COUNTS = {
    Reaction.Kind.HELPFUL: "helpful_count",
    Reaction.Kind.INSIGHTFUL: "insightful_count",
    Reaction.Kind.THANKS: "thanks_count",
}
COUNTERS = ["reply_count", "agree_count", "disagree_count", "alternative_count"]
CANNOT_READ = gettext_lazy("Join this space to read its discussions.")
THREAD_TEMPLATE = "discussions/thread_detail.html"


@dataclass(frozen=True)
class ReactionButton:
    kind: str
    label: str
    action_label: str
    count: int
    pressed: bool


# --- Thread list and new thread --------------------------------------------------------


@login_required
def thread_list(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_view_content(request.user, space):
        raise PermissionDenied(CANNOT_READ)
    form = ThreadFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("unanswered"):
        threads = unanswered_questions(space=space)
    else:
        threads = space_threads(space=space, kind=filters.get("kind", ""))
    context = {
        "space": space,
        "form": form,
        "page": paginate(request, threads, per_page=25),
        "can_start": bool(allowed_thread_kinds(request.user, space)),
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
        kinds=kinds,
        initial={"kind": request.GET.get("kind", Thread.Kind.DISCUSSION)},
    )
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


# --- The thread page -------------------------------------------------------------------


def stance_summary(thread: Thread) -> str:
    """Return "7 agree · 3 disagree · 4 alternative views", leaving out zeros."""
    parts = []
    if thread.agree_count:
        parts.append(_("%(n)d agree") % {"n": thread.agree_count})
    if thread.disagree_count:
        parts.append(_("%(n)d disagree") % {"n": thread.disagree_count})
    if thread.alternative_count:
        parts.append(
            ngettext("%(n)d alternative view", "%(n)d alternative views", thread.alternative_count)
            % {"n": thread.alternative_count}
        )
    return " · ".join(parts) or _("No stances taken yet")


def _replies_visible(user: Any, thread: Thread) -> bool:
    # Ask without a query first: only a waiting post-first prompt needs one.
    return can_see_replies(user, thread, has_posted=False) or can_see_replies(
        user, thread, has_posted=has_posted_in(user=user, thread=thread)
    )


def _has_posted(user: Any, responses: list[Response]) -> bool:
    """What `has_posted_in` answers (a live response of one's own), from rows already fetched."""
    return any(item.reply.author_id == user.pk and not item.reply.is_deleted for item in responses)


def _prepare(reply: Reply, *, user: Any, thread: Thread, reacted: set[tuple[int, str]]) -> Reply:
    """Attach what the reply template asks: permissions and reaction buttons."""
    reply.thread = thread
    reply.may_edit = can_edit(user, reply)
    reply.may_delete = can_delete(user, reply)
    reply.may_react = can_react(user, reply)
    reply.reaction_buttons = [
        ReactionButton(
            kind=kind,
            label=str(label),
            action_label=str(action_label),
            count=getattr(reply, REACTION_COUNTS[kind]),
            pressed=(reply.pk, kind) in reacted,
        )
        for kind, (label, action_label) in REACTION_LABELS.items()
    ]
    return reply


def _thread_context(
    request: HttpRequest,
    thread: Thread,
    *,
    reply_form: ReplyForm | None = None,
    comment_form: ReplyForm | None = None,
    comment_parent_id: int | None = None,
) -> dict[str, Any]:
    user = request.user
    filters = ReplyFilterForm(request.GET or None, auto_id="filter_%s")
    chosen = filters.cleaned_data if filters.is_valid() else {}
    stance, order = chosen.get("stance", ""), chosen.get("order") or "oldest"
    if can_see_replies(user, thread, has_posted=False):
        visible = True
        responses = thread_replies(thread=thread, stance=stance, order=order)
    else:
        # A post-first prompt: whether the viewer has posted is read from the
        # rows fetched anyway, which saves the page a query.
        responses = thread_replies(thread=thread, order=order)
        visible = can_see_replies(user, thread, has_posted=_has_posted(user, responses))
        if not visible:
            responses = []
        elif stance:
            responses = [item for item in responses if item.reply.stance == stance]
    reacted = reactions_of(viewer=user, thread=thread) if responses else set()
    for item in responses:
        _prepare(item.reply, user=user, thread=thread, reacted=reacted)
        for comment in item.comments:
            _prepare(comment, user=user, thread=thread, reacted=reacted)
    may_reply = can_reply(user, thread)
    return {
        "space": thread.space,
        "thread": thread,
        "responses": responses,
        "can_see": visible,
        "filters": filters,
        "stance_summary": stance_summary(thread),
        "may_moderate": can_moderate(user, thread.space),
        "may_accept": can_accept_answer(user, thread),
        "may_edit_thread": can_edit(user, thread),
        "may_delete_thread": can_delete(user, thread),
        "may_reply": may_reply,
        "reply_form": reply_form
        or (ReplyForm(with_stance=may_take_stance(thread, None)) if may_reply else None),
        "comment_form": comment_form,
        "comment_parent_id": comment_parent_id,
        "stance_choices": Reply.Stance.choices,
    }


@login_required
def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    context = _thread_context(request, thread)
    if request.htmx and request.GET:
        return render(request, THREAD_TEMPLATE + "#responses", context)
    return render(request, THREAD_TEMPLATE, context)


def _reply_of(thread: Thread, reply_id: int) -> Reply:
    """Return the reply `reply_id` of `thread`, or 404 (ids of other threads too)."""
    reply = get_object_or_404(
        Reply.objects.select_related("author__profile", "endorsed_by", "parent"),
        thread=thread,
        pk=reply_id,
    )
    reply.thread = thread
    return reply


def _visible_reply(request: HttpRequest, thread: Thread, reply_id: int) -> Reply:
    reply = _reply_of(thread, reply_id)
    if reply.author_id != request.user.pk and not _replies_visible(request.user, thread):
        raise Http404("No such reply.")
    return reply


def _refused(request: HttpRequest, thread: Thread, error: ValidationError) -> HttpResponse:
    """Show the thread page again with the error, status 400."""
    for message in error.messages:
        messages.error(request, message)
    return render(request, THREAD_TEMPLATE, _thread_context(request, thread), status=400)


# --- Replies and comments --------------------------------------------------------------


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
    form = ReplyForm(request.POST, with_stance=may_take_stance(thread, None))
    result = _post(request, thread, form, None)
    if isinstance(result, Reply):
        if request.htmx:
            thread.refresh_from_db(fields=COUNTERS)
            context = _thread_context(request, thread)
            context["item"] = Response(
                _prepare(result, user=request.user, thread=thread, reacted=set())
            )
            return render(request, THREAD_TEMPLATE + "#reply-posted", context)
        messages.success(request, _("Your reply is posted."))
        return redirect(result)
    context = _thread_context(request, thread, reply_form=form)
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
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        with_stance=with_stance,
        initial={"body": reply.body, "stance": reply.stance},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_reply(
                editor=request.user,
                reply=reply,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data.get("stance") if with_stance else None,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your reply is saved."))
            return redirect(reply)
    return render(
        request,
        "discussions/edit_form.html",
        {"form": form, "space": thread.space, "thread": thread, "reply": reply},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reply_delete(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    reply = _reply_of(thread, reply_id)
    actions.delete_reply(actor=request.user, reply=reply)
    messages.success(request, _("The reply is deleted; its comments stay."))
    return redirect(reply)


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
        return _refused(request, thread, error) if error else redirect(reply)
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
        "reactions": list(reactors(reply=reply)[:500]),
    }
    return render(request, "discussions/reactors.html", context)


@login_required
@require_POST
def reply_endorse(request: HttpRequest, slug: str, thread_id: int, reply_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    reply = _reply_of(thread, reply_id)
    endorse = request.POST.get("endorse", "1") != "0"
    actions.endorse_reply(actor=request.user, reply=reply, endorse=endorse)
    return redirect(reply)


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
    return redirect(reply or thread)


@login_required
@require_POST
def thread_moderate(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    changes: dict[str, bool] = {}
    for field, name in (("is_pinned", "pin"), ("is_locked", "lock")):
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
    form = ThreadEditForm(
        request.POST if request.method == "POST" else None,
        initial={"title": thread.title, "body": thread.body},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_thread(editor=request.user, thread=thread, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The thread is saved."))
            return redirect(thread)
    return render(
        request,
        "discussions/edit_form.html",
        {"form": form, "space": thread.space, "thread": thread, "reply": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def thread_delete(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    actions.delete_thread(actor=request.user, thread=thread)
    messages.success(request, _("The thread is deleted; its replies stay."))
    return redirect(thread)
