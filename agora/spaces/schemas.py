from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from agora.core.feed import describe
from agora.core.models import Event
from agora.spaces.models import Invitation, JoinRequest, Membership, Space


class SpaceOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    description_html: str
    kind: Space.Kind
    visibility: Space.Visibility
    status: Space.Status
    parent_id: int | None
    member_count: int
    created_at: datetime
    last_activity_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: Space) -> str:
        return obj.get_absolute_url()


class SpaceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field(default="", max_length=80, description="Empty: made from the name.")
    description: str = Field(default="", max_length=10000)
    kind: Space.Kind = Space.Kind.COMMUNITY
    visibility: Space.Visibility = Space.Visibility.OPEN
    parent_id: int | None = None


class SpacePatch(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=120)
    slug: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=10000)
    kind: Space.Kind | None = None
    visibility: Space.Visibility | None = None
    status: Space.Status | None = None
    parent_id: int | None = None


class MemberOut(Schema):
    user_id: int
    name: str
    title: str
    role: Membership.Role
    joined_at: datetime = Field(alias="created_at")

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.name

    @staticmethod
    def resolve_title(obj: Membership) -> str:
        return obj.user.profile.title


class RoleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    role: Membership.Role


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(default="", max_length=254, description="Invite by email…")
    user_id: int | None = Field(default=None, description="…or by account.")
    role: Membership.Role = Membership.Role.MEMBER
    message: str = Field(default="", max_length=500)


class InvitationOut(Schema):
    id: int
    space_id: int
    email: str
    role: Membership.Role
    status: Invitation.Status
    created_at: datetime


class JoinRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(default="", max_length=500)


class JoinRequestOut(Schema):
    id: int
    space_id: int
    user_id: int
    message: str
    status: JoinRequest.Status
    created_at: datetime


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    approve: bool


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
