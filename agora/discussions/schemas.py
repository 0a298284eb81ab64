"""Shapes of the discussion API: threads, replies with stance, reactions, flags.

A post hidden by a moderator shows its content only to its author and the
space's managers; anyone else gets it with empty title, body, html and
attachments (and `is_hidden` true), like the page's "hidden by a moderator".
"""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from agora.accounts.schemas import SkillTagOut
from agora.api.schemas import Id, In, Omittable, VideoOut, choice, video_out
from agora.core.models import Event
from agora.discussions.actions import MAX_THREAD_SKILLS
from agora.discussions.models import (
    MAX_BODY,
    MAX_TITLE,
    Flag,
    Reaction,
    Reply,
    Revision,
    Thread,
)
from agora.discussions.permissions import conceals

ThreadKind = choice(Thread.Kind)
Stance = choice(Reply.Stance)
ReactionKind = choice(Reaction.Kind)
FlagReason = choice(Flag.Reason)
FlagStatus = choice(Flag.Status)


def _concealed(obj: Thread | Reply, context: Any) -> bool:
    request = (context or {}).get("request")
    return request is not None and conceals(request.user, obj)


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="The uploader's file name, cleaned.")
    content_type: str
    size: int = Field(description="Bytes.")
    url: str = Field(description="Download (checked against the caller's rights).")


def _attachments(obj: Thread | Reply, thread: Thread, context: Any) -> list[dict[str, Any]]:
    if _concealed(obj, context) or obj.is_deleted:
        return []
    base = thread.get_absolute_url()
    return [
        {
            "id": attachment.pk,
            "name": attachment.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "url": f"{base}files/{attachment.pk}/",
        }
        for attachment in obj.attachments.all()
    ]


class StancesOut(Schema):
    agree: int
    disagree: int
    alternative: int


class ThreadOut(Schema):
    id: int
    space_id: int
    kind: ThreadKind
    title: str
    body: str = Field(description="Markdown; empty once deleted.")
    html: str = Field(description="The body rendered and sanitized when it was written.")
    author_id: int | None
    author_name: str | None
    is_pinned: bool
    is_locked: bool
    is_closed: bool = Field(description="Nobody may reply.")
    is_hidden: bool = Field(description="Hidden by a moderator.")
    post_first: bool = Field(description="Learners see others' replies after posting their own.")
    is_deleted: bool
    accepted_reply_id: int | None
    reply_count: int
    stances: StancesOut = Field(description="How many replies agree, disagree, offer another view.")
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    url: str = Field(description="The thread's page.")
    attachments: list[AttachmentOut]
    skills: list[SkillTagOut] = Field(description="The skills the thread is tagged with, by name.")
    video: VideoOut | None = Field(
        description="Show and tell: the video, with poster and captions (upload: POST .../video)."
    )

    @staticmethod
    def resolve_url(obj: Thread) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_video(obj: Thread, context: Any) -> dict[str, Any] | None:
        if obj.video_id is None or obj.is_deleted or _concealed(obj, context):
            return None
        base = obj.get_absolute_url()
        return video_out(obj.video, lambda part: f"{base}video/{part}/")

    @staticmethod
    def resolve_title(obj: Thread, context: Any) -> str:
        return "" if _concealed(obj, context) else obj.title

    @staticmethod
    def resolve_body(obj: Thread, context: Any) -> str:
        return "" if _concealed(obj, context) else obj.body

    @staticmethod
    def resolve_html(obj: Thread, context: Any) -> str:
        return "" if _concealed(obj, context) else obj.body_html

    @staticmethod
    def resolve_attachments(obj: Thread, context: Any) -> list[dict[str, Any]]:
        return _attachments(obj, obj, context)

    @staticmethod
    def resolve_skills(obj: Thread, context: Any) -> list[dict[str, Any]]:
        return [] if _concealed(obj, context) else obj.skill_tags

    @staticmethod
    def resolve_author_name(obj: Thread) -> str | None:
        return obj.author.name if obj.author else None

    @staticmethod
    def resolve_stances(obj: Thread) -> dict[str, int]:
        return {
            "agree": obj.agree_count,
            "disagree": obj.disagree_count,
            "alternative": obj.alternative_count,
        }


class ThreadFilter(In):
    kind: ThreadKind | None = None
    unanswered: bool = Field(
        default=False, description="Only questions without an accepted answer, oldest first."
    )


class ThreadIn(In):
    title: str = Field(max_length=MAX_TITLE)
    body: str = Field(default="", max_length=MAX_BODY, description="Markdown.")
    kind: ThreadKind = Thread.Kind.DISCUSSION
    post_first: StrictBool = Field(
        default=False, description="Prompts only: learners see others' replies after posting."
    )
    skills: list[Id] = Field(
        default_factory=list,
        max_length=MAX_THREAD_SKILLS,
        description="Ids of up to 5 skills of the shared vocabulary the thread is about.",
    )


class ThreadPatch(In):
    """Only the fields sent are changed."""

    title: str = Omittable(max_length=MAX_TITLE)
    body: str = Omittable(max_length=MAX_BODY, description="Markdown.")
    skills: list[Id] = Omittable(
        max_length=MAX_THREAD_SKILLS,
        description="Ids of up to 5 skills (replacing the thread's tags; [] removes them).",
    )


class ModerationIn(In):
    """Only the fields sent are changed."""

    is_pinned: StrictBool = Omittable()
    is_locked: StrictBool = Omittable()
    is_closed: StrictBool = Omittable()


class AcceptedAnswerIn(In):
    reply_id: Id | None = Field(description="The answer; null: no accepted answer.")


class ReactionsOut(Schema):
    helpful: int
    insightful: int
    thanks: int


class ReplyOut(Schema):
    id: int
    thread_id: int
    parent_id: int | None
    author_id: int | None
    author_name: str | None
    body: str = Field(description="Markdown; empty once deleted.")
    html: str = Field(description="The body rendered and sanitized when it was written.")
    stance: Stance
    is_deleted: bool
    is_hidden: bool = Field(description="Hidden by a moderator.")
    is_endorsed: bool
    is_accepted: bool
    reactions: ReactionsOut
    my_reactions: list[ReactionKind] = Field(description="How I reacted to this reply.")
    created_at: datetime
    edited_at: datetime | None
    url: str = Field(description="The reply on its thread's page.")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_url(obj: Reply) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_author_name(obj: Reply) -> str | None:
        return obj.author.name if obj.author else None

    @staticmethod
    def resolve_body(obj: Reply, context: Any) -> str:
        return "" if _concealed(obj, context) else obj.body

    @staticmethod
    def resolve_html(obj: Reply, context: Any) -> str:
        return "" if _concealed(obj, context) else obj.body_html

    @staticmethod
    def resolve_attachments(obj: Reply, context: Any) -> list[dict[str, Any]]:
        return _attachments(obj, obj.thread, context)

    @staticmethod
    def resolve_is_endorsed(obj: Reply) -> bool:
        return obj.endorsed_at is not None

    @staticmethod
    def resolve_reactions(obj: Reply) -> dict[str, int]:
        return {
            "helpful": obj.helpful_count,
            "insightful": obj.insightful_count,
            "thanks": obj.thanks_count,
        }

    @staticmethod
    def resolve_my_reactions(obj: Reply) -> list[str]:
        return [reaction.kind for reaction in obj.viewer_reactions]


class ResponseOut(ReplyOut):
    """A response with the comments on it, oldest first."""

    comments: list[ReplyOut]

    @staticmethod
    def resolve_comments(obj: Reply) -> list[Reply]:
        return obj.comment_list


class ReplyFilter(In):
    stance: Stance | None = Field(default=None, description="Only responses with this stance.")
    order: Literal["oldest", "newest", "helpful"] = "oldest"


class ReplyIn(In):
    body: str = Field(max_length=MAX_BODY, description="Markdown.")
    stance: Stance = Field(
        default=Reply.Stance.NONE, description="On a prompt's response, or on a comment."
    )
    parent_id: Id | None = Field(default=None, description="The response this comments on.")


class ReplyPatch(In):
    """Only the fields sent are changed."""

    body: str = Omittable(max_length=MAX_BODY, description="Markdown.")
    stance: Stance = Omittable()


class ReactorOut(Schema):
    user_id: int
    name: str
    kind: ReactionKind
    created_at: datetime

    @staticmethod
    def resolve_name(obj: Reaction) -> str:
        return obj.user.name


class RevisionOut(Schema):
    """An earlier version of a thread or a reply."""

    id: int
    title: str = Field(description="Threads only.")
    body: str
    html: str
    stance: str = Field(description="Replies only.")
    editor_id: int | None = Field(description="Who replaced this version.")
    editor_name: str | None
    written_at: datetime = Field(description="When this version was written.")
    replaced_at: datetime = Field(description="When an edit replaced it.")

    @staticmethod
    def resolve_html(obj: Revision) -> str:
        return obj.body_html

    @staticmethod
    def resolve_editor_name(obj: Revision) -> str | None:
        return obj.editor.name if obj.editor else None

    @staticmethod
    def resolve_replaced_at(obj: Revision) -> datetime:
        return obj.created_at


class PreviewIn(In):
    body: str = Field(max_length=MAX_BODY, description="Markdown.")


class PreviewOut(Schema):
    html: str = Field(description="The body rendered and sanitized, as a post would show it.")


class FlagIn(In):
    reason: FlagReason
    note: str = Field(default="", max_length=500)


class FlagOut(Schema):
    id: int
    thread_id: int | None
    reply_id: int | None
    space_id: int
    reason: FlagReason
    note: str
    status: FlagStatus
    created_at: datetime


class ReportOut(Schema):
    """One report in the review queue."""

    id: int
    reporter_id: int | None
    reporter_name: str | None
    reason: FlagReason
    note: str
    created_at: datetime

    @staticmethod
    def resolve_reporter_name(obj: Flag) -> str | None:
        return obj.reporter.name if obj.reporter else None


class FlaggedPostOut(Schema):
    """A post with open reports, and the reports."""

    post_type: Literal["thread", "reply"]
    post_id: int
    space_id: int
    thread_id: int
    thread_title: str
    author_id: int | None
    body: str
    html: str
    is_hidden: bool
    is_deleted: bool
    url: str
    reports: list[ReportOut]

    @staticmethod
    def resolve_post_id(obj: Any) -> int:
        return obj.post.pk

    @staticmethod
    def resolve_space_id(obj: Any) -> int:
        return obj.thread.space_id

    @staticmethod
    def resolve_thread_id(obj: Any) -> int:
        return obj.thread.pk

    @staticmethod
    def resolve_thread_title(obj: Any) -> str:
        return obj.thread.title

    @staticmethod
    def resolve_author_id(obj: Any) -> int | None:
        return obj.post.author_id

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return obj.post.body

    @staticmethod
    def resolve_html(obj: Any) -> str:
        return obj.post.body_html

    @staticmethod
    def resolve_is_hidden(obj: Any) -> bool:
        return obj.post.is_hidden

    @staticmethod
    def resolve_is_deleted(obj: Any) -> bool:
        return obj.post.is_deleted

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return obj.post.get_absolute_url()

    @staticmethod
    def resolve_reports(obj: Any) -> list[Flag]:
        return obj.flags


class ModerationEventOut(Schema):
    """One act in a space's moderation log."""

    id: int
    verb: str = Field(description="post.hidden, post.restored, flag.raised, flag.dismissed, …")
    actor_id: int | None
    actor_name: str | None
    data: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj: Event) -> str | None:
        return obj.actor.name if obj.actor else None
