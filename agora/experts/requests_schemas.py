"""Shapes of the expert-request endpoints."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictBool

from agora.api.schemas import Id, In, choice
from agora.discussions.models import MAX_BODY, MAX_TITLE
from agora.experts.models import ExpertRequest


class RequestIn(In):
    expert: Id = Field(description="The person asked.")
    title: str = Field(max_length=MAX_TITLE, description="The question, in a line.")
    body: str = Field(default="", max_length=MAX_BODY, description="Details, in Markdown.")
    skill: Id | None = Field(
        default=None, description="One of the expert's skills the question is about."
    )


class AnsweredIn(In):
    helpful: StrictBool | None = Field(
        default=None, description="The asker's rating; null leaves it unrated (or as it was)."
    )


class RequestPersonOut(Schema):
    id: int
    name: str


class RequestSkillOut(Schema):
    id: int
    name: str


class RequestOut(Schema):
    id: int
    status: choice(ExpertRequest.Status)  # type: ignore[valid-type]
    is_helpful: bool | None
    asker: RequestPersonOut
    expert: RequestPersonOut
    skill: RequestSkillOut | None
    thread_id: int
    space_id: int
    title: str
    url: str = Field(description="The conversation's page.")
    created_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_title(obj: ExpertRequest) -> str:
        return obj.thread.title

    @staticmethod
    def resolve_space_id(obj: ExpertRequest) -> int:
        return obj.thread.space_id

    @staticmethod
    def resolve_url(obj: ExpertRequest) -> str:
        return obj.thread.get_absolute_url()


class RequestFilter(Schema):
    box: str = Field("all", pattern="^(all|asked|received)$", description="all, asked or received.")
