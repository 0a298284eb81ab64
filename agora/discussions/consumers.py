"""The live thread: replies, edits, reactions and stance counts as they happen.

A thread page (and a lesson page, which embeds its prompt) listens on
``/ws/threads/<id>/``. Each event names a reply; the reply is read fresh and
rendered with the page's own macros for this viewer, after the same checks
as the page: the space's content must be readable, a post-first prompt
keeps its replies from whoever has not answered yet, a hidden reply shows
as hidden to those who may not read it, a deleted one as its tombstone.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from agora.accounts.models import User
from agora.core.live import LiveConsumer
from agora.core.models import Event
from agora.discussions.models import Thread
from agora.discussions.permissions import can_see_replies
from agora.discussions.queries import (
    reactions_among,
    replies_by_id,
    reply_attachments,
    responders_among,
)
from agora.discussions.views.page import live_replies, stance_summary
from agora.spaces.permissions import can_view_content, remember_roles

# The events that change what a reply shows.
THREAD_VERBS = (
    "reply.posted",
    "reply.edited",
    "reply.deleted",
    "reply.reacted",
    "reply.unreacted",
    "reply.endorsed",
    "answer.accepted",
    "post.hidden",
    "post.restored",
)


def reply_id_of(event: Event) -> int | None:
    """The reply a thread event is about (a moderation event may be about the thread)."""
    if event.verb.startswith("post."):
        return event.data.get("post_id") if event.data.get("post_type") == "reply" else None
    return event.data.get("reply_id")


class ThreadConsumer(LiveConsumer):
    @property
    def thread_id(self) -> int:
        return int(self.scope["url_route"]["kwargs"]["thread_id"])

    def live_groups(self) -> list[str]:
        return [f"thread.{self.thread_id}"]

    def _thread(self) -> Thread | None:
        return Thread.objects.select_related("space").filter(pk=self.thread_id).first()

    def may_listen(self, viewer: User) -> bool:
        thread = self._thread()
        return thread is not None and can_view_content(viewer, thread.space)

    def stream_events(self) -> QuerySet[Event]:
        thread = Thread.objects.filter(pk=self.thread_id).values_list("space_id", flat=True)
        return Event.objects.filter(
            space_id__in=thread, verb__in=THREAD_VERBS, data__thread_id=self.thread_id
        )

    def _back_url(self) -> str:
        """Where the reply forms come back to: the page that embeds the thread, if on this site."""
        back = self.query.get("back", [""])[0]
        if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
            return back
        return ""

    def viewers_allowed(self, viewers: list[User]) -> list[User]:
        thread = self._thread()
        if thread is None:
            return []
        remember_roles(viewers, thread.space)  # one query for all, not one per viewer
        return [viewer for viewer in viewers if can_view_content(viewer, thread.space)]

    def render_events(self, viewer: User, events: list[Event]) -> list[dict]:
        return self.render_for([viewer], events).get(viewer.pk, [])

    def render_for(self, viewers: list[User], events: list[Event]) -> dict[int, list[dict]]:
        """Each viewer's messages, with what is the same for all read once: the
        thread, the replies, their files; the viewers' reactions in one query."""
        thread = self._thread()
        if thread is None:
            return {}
        remember_roles(viewers, thread.space)
        viewers = [viewer for viewer in viewers if can_view_content(viewer, thread.space)]
        # One message per reply, for its newest event: it shows the reply as it is now.
        newest: dict[int, int] = {}
        for event in events:
            reply_id = reply_id_of(event)
            if reply_id is not None:
                newest[reply_id] = event.pk
        if not newest or not viewers:
            return {}
        if not all(can_see_replies(viewer, thread, has_posted=False) for viewer in viewers):
            # A post-first prompt: only those who have answered (or teach) see the replies.
            answered = responders_among(thread=thread, user_ids=[v.pk for v in viewers])
            viewers = [
                viewer
                for viewer in viewers
                if can_see_replies(viewer, thread, has_posted=viewer.pk in answered)
            ]
        replies = replies_by_id(thread=thread, reply_ids=list(newest))
        if not replies or not viewers:
            return {}
        reacted = reactions_among(user_ids=[v.pk for v in viewers], replies=replies)
        files = reply_attachments(reply_ids=[reply.pk for reply in replies])
        summary = stance_summary(thread)
        heading = ngettext("%(counter)s reply", "%(counter)s replies", thread.reply_count) % {
            "counter": thread.reply_count
        }
        back_url = self._back_url()
        modules: dict = {}
        results = {}
        for viewer in viewers:
            items = live_replies(
                viewer=viewer,
                thread=thread,
                replies=replies,
                back_url=back_url,
                reacted=reacted.get(viewer.pk, set()),
                files=files,
                modules=modules,
            )
            messages = [
                {
                    "type": "thread.reply",
                    "event_id": newest[reply.pk],
                    "reply_id": reply.pk,
                    "parent_id": reply.parent_id,
                    "html": items[reply.pk],
                    "stance_summary": summary,
                    "reply_heading": heading,
                }
                for reply in replies
            ]
            results[viewer.pk] = sorted(messages, key=lambda message: message["event_id"])
        return results
