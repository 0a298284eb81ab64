"""Expected-JSON builders and a JSON client for the API tests."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from agora.accounts.models import User
from agora.spaces.models import Invitation, JoinRequest, Membership, Space

API = "/api/v1"
NOT_FOUND = {"detail": "Not found.", "code": "not_found", "errors": {}}
UNAUTHENTICATED = {
    "detail": "Sign in or send a valid token.",
    "code": "unauthenticated",
    "errors": {},
}


def iso(moment: datetime | None) -> str | None:
    """Format a time as the API does."""
    return None if moment is None else DjangoJSONEncoder().default(moment)


def invalid(**errors: list[str]) -> dict[str, Any]:
    return {"detail": "Some fields are not valid.", "code": "invalid", "errors": errors}


def refused(detail: str, code: str = "invalid") -> dict[str, Any]:
    """The error of an action that refuses the request as a whole."""
    return {"detail": detail, "code": code, "errors": {"__all__": [detail]}}


def forbidden(detail: str) -> dict[str, Any]:
    return {"detail": detail, "code": "forbidden", "errors": {}}


def page(items: list[Any], *, count: int | None = None, number: int = 1, size: int = 20) -> dict:
    return {
        "count": len(items) if count is None else count,
        "page": number,
        "page_size": size,
        "items": items,
    }


def space_json(space: Space) -> dict[str, Any]:
    space.refresh_from_db()
    return {
        "id": space.pk,
        "name": space.name,
        "slug": space.slug,
        "description": space.description,
        "description_html": space.description_html,
        "kind": space.kind,
        "visibility": space.visibility,
        "status": space.status,
        "parent_id": space.parent_id,
        "member_count": space.member_count,
        "created_at": iso(space.created_at),
        "last_activity_at": iso(space.last_activity_at),
        "url": f"/spaces/{space.slug}/",
        "skills": [
            {"id": skill.pk, "name": skill.name, "slug": skill.slug}
            for skill in space.skills.order_by("name", "pk")
        ],
    }


def member_json(space: Space, user: User) -> dict[str, Any]:
    membership = Membership.objects.select_related("user__profile").get(space=space, user=user)
    return {
        "user_id": user.pk,
        "name": user.name,
        "title": membership.user.profile.title,
        "role": membership.role,
        "joined_at": iso(membership.created_at),
    }


def invitation_json(invitation: Invitation) -> dict[str, Any]:
    invitation.refresh_from_db()
    return {
        "id": invitation.pk,
        "space_id": invitation.space_id,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "created_at": iso(invitation.created_at),
    }


def join_request_json(join_request: JoinRequest) -> dict[str, Any]:
    join_request.refresh_from_db()
    return {
        "id": join_request.pk,
        "space_id": join_request.space_id,
        "user_id": join_request.user_id,
        "message": join_request.message,
        "status": join_request.status,
        "created_at": iso(join_request.created_at),
    }


class ApiClient:
    """A test client that speaks JSON to /api/v1 (session auth, CSRF not enforced)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any):
        return self.client.get(API + path, params)

    def send(self, method: str, path: str, body: Any = None, **headers: str):
        data = "" if body is None else json.dumps(body)
        return getattr(self.client, method)(
            API + path, data, content_type="application/json", **headers
        )

    def post(self, path: str, body: Any = None):
        return self.send("post", path, body)

    def patch(self, path: str, body: Any = None):
        return self.send("patch", path, body)

    def put(self, path: str, body: Any = None):
        return self.send("put", path, body)

    def delete(self, path: str):
        return self.send("delete", path)
