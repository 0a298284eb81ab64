"""Fixtures the discussion tests share: a second member and a thread."""

from __future__ import annotations

import pytest

from agora.accounts.models import User
from agora.discussions import actions
from agora.discussions.models import Thread
from tests.factories import UserFactory, add_member


@pytest.fixture
def learner(space) -> User:
    """A second member of the space, besides `member`."""
    person = UserFactory(name="Leo Learner")
    add_member(space, person)
    return person


@pytest.fixture
def thread(space, member) -> Thread:
    return actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
