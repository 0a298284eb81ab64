"""The "Ask" button of a profile and the request bar of a conversation's thread."""

from __future__ import annotations

from typing import Any

from django import template

from agora.accounts.models import Availability, Profile, User
from agora.discussions.models import Thread
from agora.experts.models import ExpertRequest
from agora.experts.permissions import can_see_request, is_asker
from agora.experts.queries import ask_state
from agora.spaces.models import Space

register = template.Library()


@register.inclusion_tag("experts/_ask_button.html", takes_context=True)
def ask_button(context: dict[str, Any], person: User) -> dict[str, Any]:
    """Ask `person`, or say why not now and whom else to ask (nothing for oneself)."""
    viewer = context["request"].user
    if viewer.pk == person.pk:
        return {"is_me": True}
    state = ask_state(viewer=viewer, expert=person)
    try:
        profile = person.profile
    except Profile.DoesNotExist:
        profile = Profile(user=person)
    return {
        "person": person,
        "state": state,
        "busy": profile.availability == Availability.BUSY,
        "note": profile.availability_note,
    }


@register.inclusion_tag("experts/_request_bar.html", takes_context=True)
def expert_request_bar(context: dict[str, Any], thread: Thread) -> dict[str, Any]:
    """The request's status and the asker's buttons, on a conversation's thread page.

    Only question threads of secret spaces can be conversations: other
    thread pages pay no query for this.
    """
    space = context.get("space") or thread.space
    if thread.kind != Thread.Kind.QUESTION or space.visibility != Space.Visibility.SECRET:
        return {}
    expert_request = (
        ExpertRequest.objects.filter(thread_id=thread.pk)
        .select_related("asker", "expert", "skill")
        .first()
    )
    if expert_request is None:
        return {}
    viewer = context["request"].user
    return {
        "expert_request": expert_request,
        "space": space,
        "is_asker": is_asker(viewer, expert_request),
        "is_participant": can_see_request(viewer, expert_request),
    }
