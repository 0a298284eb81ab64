"""Feed sentences for discussion events; authors follow what they post in."""

from contextlib import suppress

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from agora.core.events import listener, pusher
from agora.core.feed import register_feed_verbs
from agora.core.live import push
from agora.core.models import Event
from agora.discussions.actions import follow_thread
from agora.discussions.consumers import THREAD_VERBS, reply_id_of
from agora.discussions.models import Thread

register_feed_verbs(
    {
        "thread.started": _("started “%(thread_title)s” in %(space)s"),
        "reply.posted": _("replied to “%(thread_title)s” in %(space)s"),
        "reply.endorsed": _("endorsed a reply in “%(thread_title)s”"),
        "answer.accepted": _("accepted an answer to “%(thread_title)s”"),
    }
)


@listener("thread.started", "reply.posted")
def follow_own_thread(event: Event) -> None:
    """Whoever starts a thread or replies in it follows it (again, after unfollowing).

    Safe to run twice: following twice is one follow.
    """
    thread = Thread.objects.select_related("space").filter(pk=event.data.get("thread_id")).first()
    if event.actor is None or thread is None:
        return
    # They may have left the space before the event was delivered.
    with suppress(PermissionDenied):
        follow_thread(user=event.actor, thread=thread)


@pusher(*THREAD_VERBS)
def push_to_thread(event: Event) -> None:
    """Tell the pages showing the thread (thread and lesson pages) that a reply changed."""
    thread_id = event.data.get("thread_id")
    if thread_id and reply_id_of(event) is not None:
        push(f"thread.{thread_id}", event.pk)
