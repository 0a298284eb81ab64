"""Helpers to assert which events an action recorded."""

from __future__ import annotations

from agora.core.models import Event


def last_event_id() -> int:
    event = Event.objects.order_by("-pk").first()
    return event.pk if event else 0


def events_since(event_id: int) -> list[tuple]:
    """(verb, actor, space, target model, target id, data) of events after `event_id`."""
    return [
        (
            event.verb,
            event.actor_id,
            event.space_id,
            event.target_type.model if event.target_type else None,
            event.target_id,
            event.data,
        )
        for event in Event.objects.filter(pk__gt=event_id)
        .select_related("target_type")
        .order_by("pk")
    ]
