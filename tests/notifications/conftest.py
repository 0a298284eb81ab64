"""Fixtures of the notification tests: a second learner, a thread, delivery of events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agora.accounts.models import User
from agora.discussions import actions
from agora.discussions.models import Thread
from tests.factories import UserFactory, add_member


@pytest.fixture
def learner(space) -> User:
    """A second member of the space, besides `member`."""
    person = UserFactory(name="Lou Learner")
    add_member(space, person)
    return person


@pytest.fixture
def delivered(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Call a function, then deliver the events it recorded, as after its commit.

    Delivery runs the listeners and the tasks they queue (the tests' tasks
    backend runs them at once), so notifications and emails exist afterwards.
    """

    def run(function: Callable[..., Any], /, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def thread(delivered, space, member) -> Thread:
    """A discussion started by `member` (who follows it, once delivered)."""
    return delivered(
        actions.start_thread, author=member, space=space, title="Reading charts", body="Bars?"
    )
