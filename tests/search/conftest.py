"""Fixtures of the search tests: deliver events to the listeners, and search."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agora.accounts.models import User
from agora.core.events import redeliver_pending
from agora.search.queries import SearchFilters, search


@pytest.fixture
def index() -> Callable[[], int]:
    """Deliver every pending event now, as the worker would (listeners index)."""
    return redeliver_pending


@pytest.fixture
def find(index) -> Callable[..., list[tuple[str, int]]]:
    """Index what is pending, then return (kind, object id) of what `viewer` finds."""

    def run(viewer: User, text: str, **filters) -> list[tuple[str, int]]:
        index()
        results = search(viewer=viewer, text=text, filters=SearchFilters(**filters))
        return [(hit.kind, hit.document.object_id) for hit in results[: len(results)]]

    return run
