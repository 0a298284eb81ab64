"""Notifications endpoints: the list, unread count, marking read, settings; following.

Following lives here because it only decides what one is notified of; the
actions are the discussions app's.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from agora.api.pagination import Pages
from agora.api.schemas import PathId
from agora.discussions import actions as discussion_actions
from agora.discussions.permissions import access_thread_by_id
from agora.notifications import actions
from agora.notifications.models import Kind
from agora.notifications.permissions import access_notification
from agora.notifications.queries import inbox, unread_count
from agora.notifications.schemas import (
    FollowOut,
    MarkedOut,
    NotificationOut,
    PreferenceOut,
    PreferencesIn,
    UnreadCountOut,
)
from agora.spaces.permissions import access_space_by_id

router = Router(tags=["notifications"])


def _preferences(channels: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"kind": kind, "label": str(label), "channel": channels[kind]}
        for kind, label in Kind.choices
    ]


@router.get(
    "/notifications",
    response=list[NotificationOut],
    url_name="notification_list",
    summary="My notifications, newest first",
)
@paginate(Pages, page_size=20)
def list_notifications(request: HttpRequest):
    return inbox(user=request.user)


@router.get("/notifications/unread-count", response=UnreadCountOut, url_name="notification_unread")
def get_unread_count(request: HttpRequest):
    return {"unread": unread_count(user=request.user)}


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, url_name="notification_read"
)
def read_notification(request: HttpRequest, notification_id: PathId):
    notification = access_notification(request.user, notification_id)
    return actions.mark_read(user=request.user, notification=notification)


@router.post("/notifications/read", response=MarkedOut, url_name="notification_read_all")
def read_all_notifications(request: HttpRequest):
    return {"marked": actions.mark_all_read(user=request.user)}


@router.get(
    "/notifications/preferences",
    response=list[PreferenceOut],
    url_name="notification_preferences",
)
def get_preferences(request: HttpRequest):
    return _preferences(actions.channels_of([request.user.pk])[request.user.pk])


@router.patch(
    "/notifications/preferences",
    response=list[PreferenceOut],
    url_name="notification_preferences_update",
)
def update_preferences(request: HttpRequest, data: PreferencesIn):
    changes = {kind: channel for kind, channel in data.model_dump().items() if channel}
    return _preferences(actions.set_preferences(user=request.user, channels=changes))


# --- Following -----------------------------------------------------------------------------


@router.put("/threads/{thread_id}/follow", response=FollowOut, url_name="thread_follow")
def follow_thread(request: HttpRequest, thread_id: PathId):
    thread = access_thread_by_id(request.user, thread_id)
    discussion_actions.follow_thread(user=request.user, thread=thread)
    return {"following": True}


@router.delete("/threads/{thread_id}/follow", response=FollowOut, url_name="thread_unfollow")
def unfollow_thread(request: HttpRequest, thread_id: PathId):
    thread = access_thread_by_id(request.user, thread_id)
    discussion_actions.unfollow_thread(user=request.user, thread=thread)
    return {"following": False}


@router.put("/spaces/{space_id}/follow", response=FollowOut, url_name="space_follow")
def follow_space(request: HttpRequest, space_id: PathId):
    space = access_space_by_id(request.user, space_id)
    discussion_actions.follow_space(user=request.user, space=space)
    return {"following": True}


@router.delete("/spaces/{space_id}/follow", response=FollowOut, url_name="space_unfollow")
def unfollow_space(request: HttpRequest, space_id: PathId):
    space = access_space_by_id(request.user, space_id)
    discussion_actions.unfollow_space(user=request.user, space=space)
    return {"following": False}
