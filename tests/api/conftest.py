"""Fixtures of the API tests: JSON clients, signed in or not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from agora.accounts.models import User
from tests.api.helpers import ApiClient


@pytest.fixture
def api_of() -> Callable[[User], ApiClient]:
    """Return an API client signed in (by session) as a user."""

    def make(user: User) -> ApiClient:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    return make


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient(Client())
