from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from agora.accounts.schemas import SkillTagOut
from agora.api.schemas import Id, In, Omittable, choice
from agora.core.feed import describe
from agora.core.models import Event
from agora.spaces.actions import MAX_SPACE_SKILLS
from agora.spaces.models import Invitation, JoinRequest, Membership, Space

Kind = choice(Space.Kind)
Visibility = choice(Space.Visibility)
SpaceStatus = choice(Space.Status)
Role = choice(Membership.Role)
InvitationStatus = choice(Invitation.Status)
JoinRequestStatus = choice(JoinRequest.Status)


class SpaceOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    description_html: str
    kind: Kind
    visibility: Visibility
    status: SpaceStatus
    parent_id: int | None
    member_count: int
    created_at: datetime
    last_activity_at: datetime
    url: str
    skills: list[SkillTagOut] = Field(description="The skills the space is tagged with, by name.")

    @staticmethod
    def resolve_url(obj: Space) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_skills(obj: Space) -> list[dict[str, Any]]:
        skills = sorted(obj.skills.all(), key=lambda skill: (skill.name.casefold(), skill.pk))
        return [{"id": s.pk, "name": s.name, "slug": s.slug} for s in skills]


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class SpaceFilter(In):
    scope: Literal["all", "mine"] = Field(
        default="all", description="All active spaces I may see, or mine (archived too)."
    )
    kind: Kind | None = None
    q: str = Field(default="", max_length=100, description="Part of a name or description.")


class SpaceIn(In):
    name: str = Field(min_length=1, max_length=120, pattern=r"\S")
    slug: str = Field(
        default="",
        max_length=80,
        pattern=r"^$|" + SLUG_PATTERN,
        description="Lower-case words joined by hyphens; empty: made from the name.",
    )
    description: str = Field(default="", max_length=10000, description="Markdown.")
    kind: Kind = Space.Kind.COMMUNITY
    visibility: Visibility = Space.Visibility.OPEN
    parent_id: Id | None = Field(default=None, description="The space this one sits in.")
    skills: list[Id] = Field(
        default_factory=list,
        max_length=MAX_SPACE_SKILLS,
        description="Ids of up to 8 skills of the shared vocabulary the space is about.",
    )


class SpacePatch(In):
    """Only the fields sent are changed."""

    name: str = Omittable(min_length=1, max_length=120, pattern=r"\S")
    slug: str = Omittable(max_length=80, pattern=SLUG_PATTERN)
    description: str = Omittable(max_length=10000, description="Markdown.")
    kind: Kind = Omittable()
    visibility: Visibility = Omittable()
    status: SpaceStatus = Omittable()
    parent_id: Id | None = Field(default=None, description="null: a top-level space.")
    skills: list[Id] = Omittable(
        max_length=MAX_SPACE_SKILLS,
        description="Ids of up to 8 skills (replacing the space's tags; [] removes them).",
    )


class MemberOut(Schema):
    user_id: int
    name: str
    title: str
    role: Role
    joined_at: datetime = Field(alias="created_at")

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.name

    @staticmethod
    def resolve_title(obj: Membership) -> str:
        return obj.user.profile.title


class RoleIn(In):
    role: Role


class InvitationIn(In):
    email: str = Field(default="", max_length=254, description="Invite by email…")
    user_id: Id | None = Field(default=None, description="…or by account.")
    role: Role = Membership.Role.MEMBER
    message: str = Field(default="", max_length=500)


class InvitationOut(Schema):
    id: int
    space_id: int
    email: str
    role: Role
    status: InvitationStatus
    created_at: datetime


class JoinRequestIn(In):
    message: str = Field(default="", max_length=500)


class JoinRequestOut(Schema):
    id: int
    space_id: int
    user_id: int
    message: str
    status: JoinRequestStatus
    created_at: datetime


class DecisionIn(In):
    approve: StrictBool


class EventOut(Schema):
    id: int
    verb: str
    actor_id: int | None
    actor_name: str | None
    space_id: int | None
    text: str
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj: Event) -> str | None:
        return obj.actor.name if obj.actor else None

    @staticmethod
    def resolve_text(obj: Event) -> str:
        return describe(obj)
