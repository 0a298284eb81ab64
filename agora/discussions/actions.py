"""Every write to threads, replies and reactions.

Each action checks permission, validates, renders Markdown, saves, keeps the
counters (F() updates, so concurrent replies are all counted) and records
its event, in one transaction. Notifications, search and live pushes react to
the events; nothing fans out here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.accounts.models import User
from agora.core.events import record
from agora.core.markdown import render_markdown
from agora.discussions.models import MAX_BODY, MAX_TITLE, Reaction, Reply, Thread
from agora.discussions.permissions import (
    can_accept_answer,
    can_delete,
    can_edit,
    can_moderate,
    can_react,
    can_reply,
    can_see_replies,
    can_start_thread,
    may_take_stance,
)
from agora.discussions.queries import has_posted_in
from agora.spaces.models import Space
from agora.spaces.permissions import can_post_in

CANNOT_START = _("You may not start this kind of thread here.")
CANNOT_REPLY = _("You cannot reply here: the thread is locked, or you are not a member.")
CANNOT_EDIT = _("Only the author may edit this.")
CANNOT_DELETE = _("Only the author or a facilitator may delete this.")
CANNOT_MODERATE = _("Only the space's facilitators may do this.")
CANNOT_REACT = _("You cannot react to this reply.")
CANNOT_ACCEPT = _("Only the asker or a facilitator may accept an answer.")
ALREADY_REACTED = _("You already reacted this way.")
NO_STANCE_HERE = _("A stance can be taken on a lesson prompt or on another reply only.")
WRONG_PARENT = _("Comment on a response of this thread.")
EMPTY_BODY = _("Write something first.")
RESPOND_FIRST = _("Post your own response first; then you can comment on others'.")
STANCE_COUNTERS = {
    Reply.Stance.AGREE: "agree_count",
    Reply.Stance.DISAGREE: "disagree_count",
    Reply.Stance.ALTERNATIVE: "alternative_count",
}
REACTION_COUNTERS = {
    Reaction.Kind.HELPFUL: "helpful_count",
    Reaction.Kind.INSIGHTFUL: "insightful_count",
    Reaction.Kind.THANKS: "thanks_count",
}


def _snapshot(thread: Thread) -> dict[str, Any]:
    """Names kept in the event so feeds and notifications need no joins."""
    return {
        "space_name": thread.space.name,
        "space_slug": thread.space.slug,
        "thread_id": thread.pk,
        "thread_title": thread.title,
        "kind": thread.kind,
    }


def _clean_text(title: str | None, body: str, *, needs_body: bool) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").replace("\x00", "").split())
    if title is not None and len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE}]
    body = (body or "").replace("\x00", "").strip()
    if len(body) > MAX_BODY:
        errors["body"] = [_("Keep it under %(n)d characters.") % {"n": MAX_BODY}]
    elif needs_body and not body:
        errors["body"] = [EMPTY_BODY]
    if errors:
        raise ValidationError(errors)
    return title, body


def _lock(reply: Reply) -> None:
    """Lock `reply`'s row and re-read what counters depend on.

    A caller may hold a stale copy (two tabs, two requests at once); reading
    the locked row means a stance or a tombstone is never counted twice.
    """
    current = (
        Reply.objects.select_for_update()
        .values("is_deleted", "stance", "endorsed_at", "endorsed_by")
        .get(pk=reply.pk)
    )
    reply.is_deleted, reply.stance = current["is_deleted"], current["stance"]
    reply.endorsed_at, reply.endorsed_by_id = current["endorsed_at"], current["endorsed_by"]


def _sees_replies(user: User, thread: Thread) -> bool:
    """Whether `user` has classmates' replies in sight (post-first prompts hide them).

    Only a response of one's own counts as having posted; the query runs for
    post-first prompts alone.
    """
    if not thread.post_first:
        return True
    return can_see_replies(user, thread, has_posted=has_posted_in(user=user, thread=thread))


@transaction.atomic
def start_thread(
    *,
    author: User,
    space: Space,
    title: str,
    body: str = "",
    kind: str = Thread.Kind.DISCUSSION,
    post_first: bool = False,
) -> Thread:
    """Start a thread in `space`; record ``thread.started``."""
    if kind not in Thread.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of thread.")]})
    if not can_start_thread(author, space, kind):
        raise PermissionDenied(CANNOT_START)
    title, body = _clean_text(title, body, needs_body=False)
    if not title:
        raise ValidationError({"title": [_("Give the thread a title.")]})
    thread = Thread(
        space=space,
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=render_markdown(body),
        post_first=post_first and kind == Thread.Kind.PROMPT,
    )
    thread.save()
    record(actor=author, verb="thread.started", obj=thread, space=space, **_snapshot(thread))
    return thread


@transaction.atomic
def edit_thread(*, editor: User, thread: Thread, title: str, body: str) -> Thread:
    """Change a thread's title and body (its author only); record ``thread.edited``."""
    if not can_edit(editor, thread):
        raise PermissionDenied(CANNOT_EDIT)
    title, body = _clean_text(title, body, needs_body=False)
    if not title:
        raise ValidationError({"title": [_("Give the thread a title.")]})
    thread.title, thread.body, thread.body_html = title, body, render_markdown(body)
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", "body_html", "edited_at"])
    record(actor=editor, verb="thread.edited", obj=thread, space=thread.space, **_snapshot(thread))
    return thread


@transaction.atomic
def moderate_thread(
    *, actor: User, thread: Thread, is_pinned: bool | None = None, is_locked: bool | None = None
) -> Thread:
    """Pin or unpin, lock or unlock a thread; facilitators only."""
    if not can_moderate(actor, thread.space):
        raise PermissionDenied(CANNOT_MODERATE)
    changes = {}
    if is_pinned is not None and is_pinned != thread.is_pinned:
        changes["is_pinned"] = is_pinned
    if is_locked is not None and is_locked != thread.is_locked:
        changes["is_locked"] = is_locked
    for name, value in changes.items():
        setattr(thread, name, value)
    if changes:
        thread.save(update_fields=list(changes))
        record(
            actor=actor,
            verb="thread.moderated",
            obj=thread,
            space=thread.space,
            **changes,
            **_snapshot(thread),
        )
    return thread


@transaction.atomic
def delete_thread(*, actor: User, thread: Thread) -> Thread:
    """Leave a tombstone: the title stays, the body goes, replies survive."""
    if not can_delete(actor, thread):
        raise PermissionDenied(CANNOT_DELETE)
    # Conditional, so a stale copy (two tabs) does not record a second deletion.
    tombstone = {"is_deleted": True, "body": "", "body_html": ""}
    if not Thread.objects.filter(pk=thread.pk, is_deleted=False).update(**tombstone):
        raise PermissionDenied(CANNOT_DELETE)
    thread.is_deleted, thread.body, thread.body_html = True, "", ""
    record(actor=actor, verb="thread.deleted", obj=thread, space=thread.space, **_snapshot(thread))
    return thread


@transaction.atomic
def post_reply(
    *,
    author: User,
    thread: Thread,
    body: str,
    stance: str = Reply.Stance.NONE,
    parent: Reply | None = None,
) -> Reply:
    """Add a response (or, with `parent`, a comment on one); record ``reply.posted``.

    Raise PermissionDenied unless the author may reply (member, thread not
    locked; in a post-first prompt, a comment only after one's own
    response), and ValidationError for an empty or huge body, a stance where
    none may be taken, or a parent from another thread.
    """
    if not can_reply(author, thread):
        raise PermissionDenied(CANNOT_REPLY)
    if stance not in Reply.Stance.values:
        raise ValidationError({"stance": [_("Choose agree, disagree or an alternative view.")]})
    if parent is not None and (parent.thread_id != thread.pk or parent.parent_id is not None):
        raise ValidationError({"parent": [WRONG_PARENT]})
    if parent is not None and not _sees_replies(author, thread):
        # A comment would unlock the replies of a post-first prompt.
        raise PermissionDenied(RESPOND_FIRST)
    if stance and not may_take_stance(thread, parent):
        raise ValidationError({"stance": [NO_STANCE_HERE]})
    _title, body = _clean_text(None, body, needs_body=True)
    reply = Reply.objects.create(
        thread=thread,
        parent=parent,
        author=author,
        body=body,
        body_html=render_markdown(body),
        stance=stance,
    )
    counters: dict[str, Any] = {
        "reply_count": F("reply_count") + 1,
        "last_activity_at": reply.created_at,
    }
    if stance:
        counters[STANCE_COUNTERS[stance]] = F(STANCE_COUNTERS[stance]) + 1
    Thread.objects.filter(pk=thread.pk).update(**counters)
    record(
        actor=author,
        verb="reply.posted",
        obj=reply,
        space=thread.space,
        reply_id=reply.pk,
        parent_id=parent.pk if parent else None,
        parent_author_id=parent.author_id if parent else None,
        thread_author_id=thread.author_id,
        stance=stance,
        **_snapshot(thread),
    )
    return reply


@transaction.atomic
def edit_reply(*, editor: User, reply: Reply, body: str, stance: str | None = None) -> Reply:
    """Change a reply's body (and stance); its author only. Record ``reply.edited``."""
    _lock(reply)
    if not can_edit(editor, reply):
        raise PermissionDenied(CANNOT_EDIT)
    thread = reply.thread
    _title, body = _clean_text(None, body, needs_body=True)
    new_stance = reply.stance if stance is None else stance
    if new_stance not in Reply.Stance.values:
        raise ValidationError({"stance": [_("Choose agree, disagree or an alternative view.")]})
    parent = reply.parent
    if new_stance and not may_take_stance(thread, parent):
        raise ValidationError({"stance": [NO_STANCE_HERE]})
    if new_stance != reply.stance:
        counters = {}
        if reply.stance:
            counters[STANCE_COUNTERS[reply.stance]] = F(STANCE_COUNTERS[reply.stance]) - 1
        if new_stance:
            counters[STANCE_COUNTERS[new_stance]] = F(STANCE_COUNTERS[new_stance]) + 1
        Thread.objects.filter(pk=thread.pk).update(**counters)
    reply.body, reply.body_html, reply.stance = body, render_markdown(body), new_stance
    reply.edited_at = timezone.now()
    reply.save(update_fields=["body", "body_html", "stance", "edited_at"])
    record(
        actor=editor,
        verb="reply.edited",
        obj=reply,
        space=thread.space,
        reply_id=reply.pk,
        stance=new_stance,
        **_snapshot(thread),
    )
    return reply


@transaction.atomic
def delete_reply(*, actor: User, reply: Reply) -> Reply:
    """Leave a tombstone; comments under it survive. Record ``reply.deleted``."""
    _lock(reply)
    if not can_delete(actor, reply):
        raise PermissionDenied(CANNOT_DELETE)
    thread = reply.thread
    counters: dict[str, Any] = {"reply_count": F("reply_count") - 1}
    if reply.stance:
        counters[STANCE_COUNTERS[reply.stance]] = F(STANCE_COUNTERS[reply.stance]) - 1
    Thread.objects.filter(pk=thread.pk).update(**counters)
    if thread.accepted_reply_id == reply.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_reply=None)
    reply.is_deleted = True
    reply.body = ""
    reply.body_html = ""
    reply.save(update_fields=["is_deleted", "body", "body_html"])
    record(
        actor=actor,
        verb="reply.deleted",
        obj=reply,
        space=thread.space,
        reply_id=reply.pk,
        **_snapshot(thread),
    )
    return reply


@transaction.atomic
def react(*, user: User, reply: Reply, kind: str) -> Reaction:
    """Mark a reply helpful, insightful or thanks (once per kind); record ``reply.reacted``."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": [_("Choose helpful, insightful or thanks.")]})
    if not can_react(user, reply) or not _sees_replies(user, reply.thread):
        raise PermissionDenied(CANNOT_REACT)
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(reply=reply, user=user, kind=kind)
    except IntegrityError as error:
        raise ValidationError({"kind": [ALREADY_REACTED]}) from error
    counter = REACTION_COUNTERS[kind]
    Reply.objects.filter(pk=reply.pk).update(**{counter: F(counter) + 1})
    record(
        actor=user,
        verb="reply.reacted",
        obj=reply,
        space=reply.thread.space,
        reply_id=reply.pk,
        reaction=kind,
        reply_author_id=reply.author_id,
        **_snapshot(reply.thread),
    )
    return reaction


@transaction.atomic
def unreact(*, user: User, reply: Reply, kind: str) -> None:
    """Take back one's reaction of `kind`; no-op when there is none.

    Raise PermissionDenied where the person may no longer post (an archived
    space, or one they left): their reaction stays as it was.
    """
    if not can_post_in(user, reply.thread.space):
        raise PermissionDenied(CANNOT_REACT)
    deleted, _rows = Reaction.objects.filter(reply=reply, user=user, kind=kind).delete()
    if deleted:
        counter = REACTION_COUNTERS[kind]
        Reply.objects.filter(pk=reply.pk).update(**{counter: F(counter) - 1})


@transaction.atomic
def endorse_reply(*, actor: User, reply: Reply, endorse: bool = True) -> Reply:
    """A facilitator endorses (or withdraws endorsement of) a reply."""
    thread = reply.thread
    _lock(reply)
    if not can_moderate(actor, thread.space) or reply.is_deleted or thread.is_deleted:
        raise PermissionDenied(CANNOT_MODERATE)
    if endorse == (reply.endorsed_at is not None):
        return reply
    reply.endorsed_by = actor if endorse else None
    reply.endorsed_at = timezone.now() if endorse else None
    reply.save(update_fields=["endorsed_by", "endorsed_at"])
    if endorse:
        record(
            actor=actor,
            verb="reply.endorsed",
            obj=reply,
            space=thread.space,
            reply_id=reply.pk,
            reply_author_id=reply.author_id,
            **_snapshot(thread),
        )
    return reply


@transaction.atomic
def accept_answer(*, actor: User, thread: Thread, reply: Reply | None) -> Thread:
    """The asker or a facilitator accepts `reply` as the answer (None clears it)."""
    if not can_accept_answer(actor, thread):
        raise PermissionDenied(CANNOT_ACCEPT)
    if reply is not None and (reply.thread_id != thread.pk or reply.is_deleted):
        raise ValidationError({"reply": [_("Choose a reply of this question.")]})
    thread.accepted_reply = reply
    thread.save(update_fields=["accepted_reply"])
    if reply is not None:
        record(
            actor=actor,
            verb="answer.accepted",
            obj=reply,
            space=thread.space,
            reply_id=reply.pk,
            reply_author_id=reply.author_id,
            **_snapshot(thread),
        )
    return thread
