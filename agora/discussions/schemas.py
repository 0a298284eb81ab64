"""Shapes of the discussion API: threads, replies with stance, reactions."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from agora.api.schemas import Id, In, Omittable, choice
from agora.discussions.models import MAX_BODY, MAX_TITLE, Reaction, Reply, Thread

ThreadKind = choice(Thread.Kind)
Stance = choice(Reply.Stance)
ReactionKind = choice(Reaction.Kind)


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
    post_first: bool = Field(description="Learners see others' replies after posting their own.")
    is_deleted: bool
    accepted_reply_id: int | None
    reply_count: int
    stances: StancesOut = Field(description="How many replies agree, disagree, offer another view.")
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    url: str = Field(description="The thread's page.")

    @staticmethod
    def resolve_url(obj: Thread) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_html(obj: Thread) -> str:
        return obj.body_html

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


class ThreadPatch(In):
    """Only the fields sent are changed."""

    title: str = Omittable(max_length=MAX_TITLE)
    body: str = Omittable(max_length=MAX_BODY, description="Markdown.")


class ModerationIn(In):
    """Only the fields sent are changed."""

    is_pinned: StrictBool = Omittable()
    is_locked: StrictBool = Omittable()


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
    is_endorsed: bool
    is_accepted: bool
    reactions: ReactionsOut
    my_reactions: list[ReactionKind] = Field(description="How I reacted to this reply.")
    created_at: datetime
    edited_at: datetime | None
    url: str = Field(description="The reply on its thread's page.")

    @staticmethod
    def resolve_url(obj: Reply) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_author_name(obj: Reply) -> str | None:
        return obj.author.name if obj.author else None

    @staticmethod
    def resolve_html(obj: Reply) -> str:
        return obj.body_html

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
