"""Every write to notifications and preferences.

`notify` turns one event into notifications (called by the listener, in the
event's delivery task, never in the request that wrote the post). The other
actions are the recipient's: mark read, set preferences, unsubscribe.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.models import User
from agora.core.markdown import plain_text
from agora.core.models import Event
from agora.discussions.models import Follow, Reply, Thread
from agora.experts.models import ExpertRequest
from agora.notifications import emails, queries
from agora.notifications.models import DEFAULT_CHANNELS, Channel, Kind, Notification, Preference
from agora.notifications.permissions import readers_among
from agora.spaces.models import Membership

SNIPPET_LENGTH = 280
# News older than this (a long outage caught up, backdated demo data) is told
# in the app only: an email a day late helps nobody.
EMAIL_MAX_AGE = timedelta(days=1)
UNSUBSCRIBE_SALT = "agora.notifications.unsubscribe"
UNKNOWN_KIND = gettext_lazy("Choose a kind of notification.")
UNKNOWN_CHANNEL = gettext_lazy("Choose email, in the app only, or off.")
# Kinds in order of precedence (most specific first), as `Kind` lists them.
PRECEDENCE = list(Kind.values)


# --- From an event to notifications -------------------------------------------------------


def _post_of(event: Event) -> Thread | Reply | None:
    """Return the thread or reply the event is about, if it still shows."""
    model = event.target_type.model if event.target_type else ""
    if model == "thread":
        post = Thread.objects.select_related("space").filter(pk=event.target_id).first()
    elif model == "reply":
        post = Reply.objects.select_related("thread__space").filter(pk=event.target_id).first()
    elif model == "expertrequest":
        # An expert request is told as its conversation's question thread.
        post = (
            Thread.objects.select_related("space")
            .filter(pk__in=ExpertRequest.objects.filter(pk=event.target_id).values("thread_id"))
            .first()
        )
    else:
        return None
    if post is None or post.is_deleted or post.is_hidden:
        return None
    thread = post if isinstance(post, Thread) else post.thread
    if thread.is_deleted or thread.is_hidden:
        return None
    return post


def _candidates(event: Event, post: Thread | Reply) -> dict[str, list[int]]:
    """Who might hear of `event`, by kind (a person may appear under several)."""
    data = event.data
    thread = post if isinstance(post, Thread) else post.thread
    mentioned = [pk for pk in data.get("mentioned", []) if isinstance(pk, int)]
    found: dict[str, list[int]] = {Kind.MENTION: mentioned}
    if event.verb == "reply.posted":
        if data.get("parent_author_id"):
            found[Kind.COMMENT] = [data["parent_author_id"]]
        if thread.author_id:
            found[Kind.REPLY] = [thread.author_id]
        found[Kind.FOLLOWED] = list(
            Follow.objects.filter(Q(thread=thread) | Q(space=thread.space))
            .values_list("user_id", flat=True)
            .distinct()
        )
    elif event.verb == "thread.started":
        if thread.kind == Thread.Kind.PROMPT:
            found[Kind.PROMPT] = list(
                Membership.objects.filter(space=thread.space).values_list("user_id", flat=True)
            )
        found[Kind.FOLLOWED] = list(
            Follow.objects.filter(space=thread.space).values_list("user_id", flat=True)
        )
    elif event.verb == "answer.accepted" and data.get("reply_author_id"):
        found[Kind.ANSWER_ACCEPTED] = [data["reply_author_id"]]
    elif event.verb == "reply.endorsed" and data.get("reply_author_id"):
        found[Kind.ENDORSED] = [data["reply_author_id"]]
    elif event.verb == "expert_request.asked" and data.get("expert_id"):
        found[Kind.EXPERT_REQUEST] = [data["expert_id"]]
    elif data.get("expert_id") and (
        event.verb == "expert_request.answered"
        # A rating given with the answer is told with it, once.
        or (event.verb == "expert_request.rated" and not data.get("with_answer"))
    ):
        found[Kind.REQUEST_ANSWERED] = [data["expert_id"]]
    return found


def _sentence(kind: str, event: Event, thread: Thread) -> str:
    names = {
        "actor": event.actor.name if event.actor else _("Someone"),
        "title": thread.title,
        "space": thread.space.name,
    }
    if kind == Kind.FOLLOWED and event.verb == "thread.started":
        return _("%(actor)s started “%(title)s” in %(space)s") % names
    if kind == Kind.REQUEST_ANSWERED:
        if event.data.get("helpful") is True:
            return _("%(actor)s found your answer to “%(title)s” helpful") % names
        if event.verb == "expert_request.answered":
            return _("%(actor)s marked “%(title)s” answered") % names
        return _("%(actor)s rated your answer to “%(title)s”") % names
    sentences = {
        Kind.COMMENT: _("%(actor)s commented on your reply in “%(title)s”"),
        Kind.MENTION: _("%(actor)s mentioned you in “%(title)s”"),
        Kind.REPLY: _("%(actor)s replied to your thread “%(title)s”"),
        Kind.ANSWER_ACCEPTED: _("%(actor)s accepted your answer to “%(title)s”"),
        Kind.ENDORSED: _("%(actor)s endorsed your reply in “%(title)s”"),
        Kind.PROMPT: _("%(actor)s posted a lesson prompt in %(space)s: “%(title)s”"),
        Kind.FOLLOWED: _("%(actor)s replied in “%(title)s”"),
        Kind.EXPERT_REQUEST: _("%(actor)s asked you a question: “%(title)s”"),
    }
    return sentences[kind] % names


def _snippet(post: Thread | Reply) -> str:
    text = " ".join(plain_text(post.body_html).split())
    if len(text) > SNIPPET_LENGTH:
        text = text[: SNIPPET_LENGTH - 1].rstrip() + "…"
    return text


def channels_of(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Return each person's channel per kind (their rows over the defaults)."""
    channels = {pk: dict(DEFAULT_CHANNELS) for pk in user_ids}
    rows = Preference.objects.filter(user_id__in=list(channels)).values_list(
        "user_id", "kind", "channel"
    )
    for user_id, kind, channel in rows:
        channels[user_id][kind] = channel
    return channels


@transaction.atomic
def notify(*, event: Event) -> list[Notification]:
    """Tell the people concerned by `event`, once each; return the new notifications.

    Never the actor; only people who may read the post; each person gets
    the most specific kind that fits, unless they turned that kind off. Safe to run twice: a second
    run finds the rows already there (one per recipient and event) and adds
    nothing. Emails go out in a task once this commits.
    """
    post = _post_of(event)
    if post is None:
        return []
    thread = post if isinstance(post, Thread) else post.thread
    kinds_of: dict[int, list[str]] = {}
    for kind, user_ids in _candidates(event, post).items():
        for user_id in user_ids:
            if user_id != event.actor_id:
                kinds_of.setdefault(user_id, []).append(kind)
    if not kinds_of:
        return []
    readers = readers_among(
        kinds_of, space=thread.space, thread=thread, is_reply=isinstance(post, Reply)
    )
    channels = channels_of(readers)
    url = post.get_absolute_url()
    snippet = _snippet(post)
    fresh = event.created_at >= timezone.now() - EMAIL_MAX_AGE
    notifications = []
    for user_id in readers:
        # The most specific kind decides, its channel too: turning off "replies
        # to my threads" is not undone by following one's own thread.
        kind = min(kinds_of[user_id], key=PRECEDENCE.index)
        if channels[user_id][kind] == Channel.OFF:
            continue
        notifications.append(
            Notification(
                recipient_id=user_id,
                kind=kind,
                event=event,
                actor_id=event.actor_id,
                space=thread.space,
                thread=thread,
                url=url,
                text=_sentence(kind, event, thread)[:500],
                snippet=snippet,
                created_at=event.created_at,
                by_email=fresh and channels[user_id][kind] == Channel.EMAIL,
            )
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=500)
    recipients = [notification.recipient_id for notification in notifications]
    transaction.on_commit(lambda: queries.forget_unread_counts(recipients))
    if any(notification.by_email for notification in notifications):
        transaction.on_commit(lambda: emails.enqueue_for_event(event.pk))
    return notifications


# --- The recipient's own actions ------------------------------------------------------------


def _forget_unread(user: User) -> None:
    # Now, so this request's next page shows it; and after commit, in case
    # another request cached the old count in between.
    queries.forget_unread_counts([user.pk])
    transaction.on_commit(lambda: queries.forget_unread_counts([user.pk]))


@transaction.atomic
def mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark `user`'s own `notification` read (no-op when it already is)."""
    if notification.recipient_id != user.pk:
        raise ValidationError(_("This is not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        _forget_unread(user)
    return notification


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; return how many."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        _forget_unread(user)
    return marked


@transaction.atomic
def set_preferences(*, user: User, channels: dict[str, str]) -> dict[str, str]:
    """Set `user`'s channel for each kind in `channels`; return all their channels.

    Raise ValidationError (by kind) for an unknown kind or channel; nothing
    is saved then.
    """
    errors = {}
    for kind, channel in channels.items():
        if kind not in Kind.values:
            errors[kind] = [UNKNOWN_KIND]
        elif channel not in Channel.values:
            errors[kind] = [UNKNOWN_CHANNEL]
    if errors:
        raise ValidationError(errors)
    for kind, channel in channels.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
    return channels_of([user.pk])[user.pk]


def unsubscribe_token(*, user: User, kind: str) -> str:
    """Return the signed token that turns off `user`'s emails of `kind`."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 180  # half a year: old emails still work


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """Return the person and kind a token names; raise signing.BadSignation if invalid.

    An expired token raises signing.SignatureExpired (a BadSignature); one
    naming a person who no longer exists, or an unknown kind, BadSignature.
    """
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        raise signing.BadSignature("Unknown kind.")
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise signing.BadSignature("Unknown person.")
    return user, data["k"]


@transaction.atomic
def unsubscribe(*, user: User, kind: str) -> str:
    """Turn off emails of `kind` for `user` (kept in the app); return the new channel.

    Called with a signed token's person, so it asks no more permission.
    """
    channel = channels_of([user.pk])[user.pk][kind]
    if channel == Channel.EMAIL:
        set_preferences(user=user, channels={kind: Channel.APP})
        return Channel.APP
    return channel
