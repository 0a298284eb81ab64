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
from agora.spaces.permissions import can_view_content, remember_roles, standing, standings

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

    def render_events(self, viewer: User, events: list[Event]) -> list[dict]:
        return self.render_for([viewer], events).get(viewer.pk, [])

    def render_for(self, viewers: list[User], events: list[Event]) -> dict[int, list[dict]]:
        thread = self._thread()
        if thread is None:
            return {}
        remember_roles(viewers, thread.space)
        fresh = {viewer.pk: standing(viewer, thread.space) for viewer in viewers}
        delivered = self._deliveries(thread, fresh, events, {v.pk: v for v in viewers})
        return {pk: messages for pk, messages in delivered.items() if messages}

    def deliveries(self, viewer_ids: list[int], events: list[Event]) -> dict[int, list[dict]]:
        thread = self._thread()
        if thread is None:
            return {}
        return self._deliveries(thread, standings(viewer_ids, thread.space), events, {})

    def _deliveries(
        self,
        thread: Thread,
        fresh: dict[int, tuple],
        events: list[Event],
        people: dict[int, User],
    ) -> dict[int, list[dict]]:
        """The messages for each viewer who may read the thread's space, by id.

        `fresh` holds each viewer's `standing`; `people`, the viewers already read.
        Everything is worked out once per set of viewers who see the same, one of
        whom is read to stand for them all: the same standing in the space, the
        same relation to the thread and these replies (author or not, answered a
        post-first prompt or not) and the same reactions on them. What is the
        same for all is read once: the thread, the replies, their files; the
        answers and the reactions each in one query for all.
        """
        space = thread.space
        first: dict[tuple, int] = {}
        for pk, key in fresh.items():
            first.setdefault(key, pk)
        self._read(first.values(), people, space)
        readable = {key: can_view_content(people[pk], space) for key, pk in first.items()}
        readers = [pk for pk, key in fresh.items() if readable[key]]
        results: dict[int, list[dict]] = {pk: [] for pk in readers}
        # One message per reply, for its newest event: it shows the reply as it is now.
        newest: dict[int, int] = {}
        for event in events:
            reply_id = reply_id_of(event)
            if reply_id is not None:
                newest[reply_id] = event.pk
        if not newest or not readers:
            return results
        replies = replies_by_id(thread=thread, reply_ids=list(newest))
        if not replies:
            return results
        answered: set[int] = set()
        if not all(
            can_see_replies(people[pk], thread, has_posted=False)
            for key, pk in first.items()
            if readable[key]
        ):
            # A post-first prompt: only those who have answered (or teach) see the replies.
            answered = responders_among(thread=thread, user_ids=readers)
        reacted = reactions_among(user_ids=readers, replies=replies)
        authors = {thread.author_id, *(reply.author_id for reply in replies)}
        classes: dict[tuple, list[int]] = {}
        for pk in readers:
            key = (
                fresh[pk],
                pk if pk in authors else None,
                pk in answered,
                frozenset(reacted.get(pk, ())),
            )
            classes.setdefault(key, []).append(pk)
        self._read([members[0] for members in classes.values()], people, space)
        context = {
            "newest": newest,
            "files": reply_attachments(reply_ids=[reply.pk for reply in replies]),
            "summary": stance_summary(thread),
            "heading": ngettext("%(counter)s reply", "%(counter)s replies", thread.reply_count)
            % {"counter": thread.reply_count},
            "back_url": self._back_url(),
            "modules": {},
        }
        for members in classes.values():
            viewer = people[members[0]]
            messages = self._messages_of(
                viewer,
                thread,
                replies,
                has_posted=viewer.pk in answered,
                reacted=reacted.get(viewer.pk, set()),
                **context,
            )
            for pk in members:
                results[pk] = messages
        return results

    @staticmethod
    def _read(user_ids, people: dict[int, User], space) -> None:
        """Read into `people` those of `user_ids` not yet there, with their roles in `space`."""
        missing = [pk for pk in user_ids if pk not in people]
        if missing:
            loaded = list(User.objects.filter(pk__in=missing))
            remember_roles(loaded, space)
            people.update((user.pk, user) for user in loaded)

    def _messages_of(
        self,
        viewer: User,
        thread: Thread,
        replies: list,
        *,
        newest: dict[int, int],
        has_posted: bool,
        reacted: set[tuple[int, str]],
        files: dict[int, list],
        back_url: str,
        modules: dict,
        summary: str,
        heading: str,
    ) -> list[dict]:
        if not can_see_replies(viewer, thread, has_posted=has_posted):
            return []
        items = live_replies(
            viewer=viewer,
            thread=thread,
            replies=replies,
            back_url=back_url,
            reacted=reacted,
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
        return sorted(messages, key=lambda message: message["event_id"])
