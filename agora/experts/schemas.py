from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Path, Schema
from pydantic import StrictBool

from agora.api.schemas import In
from agora.experts.models import MAX_NOTE

# A skill in a URL is its slug.
SkillSlug = Annotated[str, Path(min_length=1, max_length=90, pattern=r"^[-a-zA-Z0-9_]+$")]
EvidenceKind = Literal[
    "accepted_answers",
    "endorsed_replies",
    "helpful_reactions",
    "endorsements",
    "facilitated_spaces",
    "helpful_requests",
]


class EndorsementIn(In):
    note: str = Field(default="", max_length=MAX_NOTE, description="Optional, one line.")


class EndorsementPatch(In):
    is_hidden: StrictBool = Field(description="Hide the endorsement (the person endorsed only).")


class EndorsementOut(Schema):
    id: int
    person_id: int
    skill: str
    skill_slug: str
    endorser_id: int
    endorser_name: str
    note: str
    is_hidden: bool
    created_at: datetime


class EvidenceCountsOut(Schema):
    accepted_answers: int
    endorsed_replies: int
    helpful_reactions: int
    endorsements: int
    facilitated_spaces: int
    helpful_requests: int


class EvidenceItemOut(Schema):
    kind: EvidenceKind
    at: datetime
    weight: float
    decay: float = Field(description="The share of its weight the item keeps at its age.")
    points: float
    space_id: int | None
    space_name: str | None
    thread_id: int | None
    thread_title: str | None
    reply_id: int | None
    url: str | None = Field(description="The reply, thread or space it points at.")
    person_id: int | None = Field(description="The endorser, reactor or asker.")
    person_name: str | None
    note: str


class EvidenceOut(Schema):
    person_id: int
    skill: str
    skill_slug: str
    level: str = Field(description='The declared level; "" when not listed.')
    years: int | None
    level_points: float
    score: float = Field(description="Level points plus every item's points, now.")
    counts: EvidenceCountsOut = Field(description="Items of each kind, seen or not.")
    items: list[EvidenceItemOut] = Field(description="The items the caller may see, newest first.")
    hidden_count: int = Field(description="Items in spaces the caller cannot see.")
    hidden_points: float
    half_life_days: float
