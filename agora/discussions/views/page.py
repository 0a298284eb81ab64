"""The thread page and what every discussion view shares: the page context, reply lookup."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agora.discussions import actions
from agora.discussions.forms import (
    ReplyFilterForm,
    ReplyForm,
)
from agora.discussions.models import Reaction, Reply, Thread
from agora.discussions.permissions import (
    access_thread,
    can_accept_answer,
    can_delete,
    can_edit,
    can_flag,
    can_moderate,
    can_reply,
    can_see_replies,
    conceals,
    may_take_stance,
    reply_rights,
    sees_hidden,
)
from agora.discussions.queries import (
    ReplyRow,
    Response,
    has_posted_in,
    reactions_of,
    thread_attachments,
    thread_replies,
)
from agora.discussions.rendering import finish, replies_module

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


def _prepare(
    reply: Reply | ReplyRow,
    *,
    user: Any,
    thread: Thread,
    reacted: set[tuple[int, str]],
    files: dict[int, list] | None = None,
    last_seen: Any = None,
    labels: tuple[tuple[str, str, str], ...] | None = None,
    rights: Any = None,
) -> ReplyRow:
    """Return the reply's row with what the reply template asks: permissions,
    reaction buttons, files, markers.

    For a page of replies, `labels` are the reaction labels translated once
    and `rights` is the page's `reply_rights`.
    """
    row = reply if isinstance(reply, ReplyRow) else ReplyRow.of(reply)
    labels = labels or _reaction_labels()
    allowed = (rights or reply_rights(user, thread))(row)
    row.thread = thread
    row.may_edit, row.may_delete, row.may_react, row.may_flag, row.is_concealed = allowed
    row.attachment_list = (files or {}).get(row.id, [])
    # New: written by someone else since the viewer's last visit, and readable.
    row.is_new = bool(
        last_seen
        and row.created_at > last_seen
        and row.author_id != user.pk
        and not row.is_deleted
        and not row.is_concealed
    )
    pressed = tuple((row.id, kind) in reacted for kind, _label, _action in labels)
    counts = tuple(getattr(row, REACTION_COUNTS[kind]) for kind, _label, _action in labels)
    row.reaction_buttons = _reaction_buttons(labels, counts, pressed)
    # With the row's values, what its rendered article shows (rendering.py's key).
    files_shown = tuple((file.pk, file.name, file.size) for file in row.attachment_list)
    row.marks = (allowed, row.is_new, pressed, files_shown)
    return row


def _reaction_labels() -> tuple[tuple[str, str, str], ...]:
    """(kind, label, action label) of each reaction, in the active language."""
    return tuple(
        (kind, str(label), str(action)) for kind, (label, action) in REACTION_LABELS.items()
    )


@lru_cache(maxsize=512)
def _reaction_buttons(
    labels: tuple[tuple[str, str, str], ...], counts: tuple[int, ...], pressed: tuple[bool, ...]
) -> tuple[ReactionButton, ...]:
    """The buttons of a reply with these counts and presses (replies share them)."""
    return tuple(
        ReactionButton(kind, label, action_label, count, is_pressed)
        for (kind, label, action_label), count, is_pressed in zip(
            labels, counts, pressed, strict=True
        )
    )


def _viewer(request: HttpRequest) -> Any:
    """`request.user` itself rather than its lazy wrapper: the permission
    predicates read it a dozen times per reply, through a proxy otherwise."""
    user = request.user
    if not user.is_authenticated:  # this also unwraps the lazy object
        return user
    return getattr(user, "_wrapped", user)


def _thread_context(
    request: HttpRequest,
    thread: Thread,
    *,
    reply_form: ReplyForm | None = None,
    comment_form: ReplyForm | None = None,
    comment_parent_id: int | None = None,
    with_responses: bool = True,
) -> dict[str, Any]:
    """What thread_detail.html and its partials read.

    Without `with_responses`, for a fragment that shows no list (a posted
    reply, the reply form), no reply is fetched: posting into a long thread
    then costs what posting into a short one does.
    """
    user = _viewer(request)
    filters = ReplyFilterForm(request.GET or None, auto_id="filter_%s")
    chosen = filters.cleaned_data if filters.is_valid() else {}
    stance, order = chosen.get("stance", ""), chosen.get("order") or "oldest"
    if not with_responses:
        visible = _replies_visible(user, thread)
        responses = []
    elif can_see_replies(user, thread, has_posted=False):
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
    files = thread_attachments(thread=thread)
    thread.attachment_list = files.thread
    last_seen = getattr(thread, "viewer_last_seen", None)
    new_replies: list[Reply] = []
    labels = _reaction_labels()
    rights = reply_rights(user, thread)
    for item in responses:
        for reply in (item.reply, *item.comments):
            _prepare(
                reply,
                user=user,
                thread=thread,
                reacted=reacted,
                files=files.by_reply,
                last_seen=last_seen,
                labels=labels,
                rights=rights,
            )
            if reply.is_new:
                new_replies.append(reply)
    may_reply = can_reply(user, thread)
    first_new = min(new_replies, key=lambda r: (r.created_at, r.pk)) if new_replies else None
    return {
        "space": thread.space,
        "thread": thread,
        "responses": responses,
        "can_see": visible,
        "filters": filters,
        "stance_summary": stance_summary(thread),
        "may_moderate": can_moderate(user, thread.space),
        "may_flag_thread": can_flag(user, thread),
        "thread_concealed": conceals(user, thread),
        "thread_hidden_shown": thread.is_hidden and sees_hidden(user, thread),
        "new_count": len(new_replies),
        "first_new": first_new,
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


def live_replies(
    *,
    viewer: Any,
    thread: Thread,
    replies: list[ReplyRow],
    reacted: set[tuple[int, str]],
    files: dict[int, list],
    back_url: str = "",
    modules: dict | None = None,
) -> dict:
    """Each reply's list item as `viewer` sees it on the thread page, by reply id.

    The live thread (discussions/consumers.py) sends these: the same macros
    as the page, the same rights (`reacted`: the viewer's (reply id, kind)
    pairs; `files`: the replies' attachments by reply id; `modules`: a dict
    kept across the viewers of one event). Their forms carry no CSRF input;
    the page's script adds the page's own.
    """
    modules = {} if modules is None else modules
    rights = (
        can_reply(viewer, thread),
        can_moderate(viewer, thread.space),
        can_accept_answer(viewer, thread),
    )
    # Viewers with the same rights share the macros (their URLs and labels are built once).
    if rights not in modules:
        modules[rights] = (
            _reaction_labels(),
            replies_module(
                space=thread.space,
                thread=thread,
                csrf_token=None,
                may_reply=rights[0],
                may_moderate=rights[1],
                may_accept=rights[2],
                back_url=back_url,
            ),
        )
    labels, macros = modules[rights]
    items = {}
    for row in replies:
        reply = _prepare(
            row, user=viewer, thread=thread, reacted=reacted, files=files, labels=labels
        )
        # Everything the item shows that depends on the viewer: who shares it shares the HTML.
        seen_as = (rights, reply.id, reply.marks)
        html = modules.get(seen_as)
        if html is None:
            if reply.parent_id is None:
                html = macros.response_item(Response(reply))
            else:
                html = macros.comment_item(reply)
            html = modules[seen_as] = finish(str(html), None)
        items[reply.pk] = html
    return items


@login_required
def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id, with_visit=True)
    context = _thread_context(request, thread)
    # After the page has read the previous visit: what is new is measured from it.
    actions.record_visit(user=request.user, thread=thread)
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


def redirect_back(request: HttpRequest, default: Any) -> HttpResponse:
    """Redirect to the form's ``next`` address when it is on this site, else to `default`.

    A page that embeds a thread (a lesson beside its prompt) sends its own
    address, so that posting, reacting or endorsing there comes back there.
    """
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _refused(request: HttpRequest, thread: Thread, error: ValidationError) -> HttpResponse:
    """Show the thread page again with the error, status 400."""
    for message in error.messages:
        messages.error(request, message)
    return render(request, THREAD_TEMPLATE, _thread_context(request, thread), status=400)
