"""Sentences for events in activity feeds.

Apps register the verbs that belong in feeds, with a sentence each, from
their ``listeners`` module. Sentences read names from the event's data
snapshot, so rendering a feed needs no extra queries.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from agora.core.models import Event

_sentences: dict[str, Promise | str] = {}


def register_feed_verbs(sentences: dict[str, Any]) -> None:
    """Show events of these verbs in feeds, described by these sentences."""
    _sentences.update(sentences)


def feed_verbs() -> list[str]:
    return sorted(_sentences)


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def describe(event: Event) -> str:
    """Return the sentence for `event`, after its actor's name (e.g. "joined Data Club")."""
    sentence = _sentences.get(event.verb)
    if sentence is None:
        return event.verb
    data = _Defaulting(event.data)
    data.setdefault("space", event.data.get("space_name", ""))
    data.setdefault("user", event.data.get("user_name", ""))
    return str(sentence) % data
