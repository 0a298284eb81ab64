"""Shapes of the notifications API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from agora.api.schemas import In, choice
from agora.notifications.models import Channel, Kind, Notification

KindField = choice(Kind)
ChannelField = choice(Channel)


class ActorOut(Schema):
    id: int
    name: str
    handle: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class NotificationOut(Schema):
    id: int
    kind: KindField
    text: str
    snippet: str
    url: str = Field(description="The page of what it is about.")
    actor: ActorOut | None
    space_id: int | None
    thread_id: int | None
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj: Notification) -> bool:
        return obj.read_at is not None


class UnreadCountOut(Schema):
    unread: int = Field(description="Unread notifications, counted up to 100.")


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: KindField
    label: str
    channel: ChannelField


class PreferencesIn(In):
    """Kinds to change, each with its new channel; kinds left out keep theirs."""

    comment: ChannelField | None = None
    mention: ChannelField | None = None
    reply: ChannelField | None = None
    answer_accepted: ChannelField | None = None
    endorsed: ChannelField | None = None
    prompt: ChannelField | None = None
    followed: ChannelField | None = None


class FollowOut(Schema):
    following: bool
