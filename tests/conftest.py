"""Shared fixtures: test settings, people, spaces, and the query-count pin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.accounts.models import Skill, User
from tests.experts.helpers import make_expert
from tests.factories import UserFactory, make_space
from tests.videos import HAS_FFMPEG, make_clips


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tests override only the hasher, email, tasks backend and where files go."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db) -> User:
    return UserFactory(name="Mia Member")


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(name="Ada Admin", org_role=User.OrgRole.ADMIN)


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(name="Otto Outsider")


@pytest.fixture
def guest(db) -> User:
    return UserFactory(name="Gail Guest", org_role=User.OrgRole.GUEST)


@pytest.fixture
def facilitator(db) -> User:
    return UserFactory(name="Fay Facilitator")


@pytest.fixture
def space(facilitator, member):
    return make_space(creator=facilitator, name="Data Club", members=(member,))


# The expert finder's tests (tests/experts, tests/api): a skill, its expert, who asks.
@pytest.fixture
def k8s(db) -> Skill:
    return Skill.objects.create(name="Kubernetes")


@pytest.fixture
def expert(k8s) -> User:
    return make_expert(k8s)


@pytest.fixture
def asker(db) -> User:
    return UserFactory(name="Ann Asker")


@pytest.fixture
def client_of() -> Callable[[User], Client]:
    """Return a logged-in test client for a user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def assert_flat_query_count() -> Callable[..., None]:
    """Assert a request runs the same number of queries before and after data grows.

    On a mismatch, both lists of SQL are printed (Zulip's helper, Wagtail's
    "same count after growth" pattern).
    """

    def check(
        request: Callable[[], Any],
        *,
        grow: Callable[[], Any],
        limit: int | None = None,
        status: int = 200,
    ) -> int:
        request()  # warm caches (ContentTypes, sessions) so the comparison is fair
        with CaptureQueriesContext(connection) as small:
            response = request()
        assert getattr(response, "status_code", status) == status
        grow()
        with CaptureQueriesContext(connection) as large:
            response = request()
        assert getattr(response, "status_code", status) == status
        if len(small) != len(large):
            lines = ["Query count grew with the data:", f"--- small ({len(small)})"]
            lines += [q["sql"] for q in small.captured_queries]
            lines += [f"--- large ({len(large)})"] + [q["sql"] for q in large.captured_queries]
            pytest.fail("\n".join(lines))
        if limit is not None:
            assert len(large) <= limit, "\n".join(q["sql"] for q in large.captured_queries)
        return len(large)

    return check


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, bytes]:
    """Real tiny clips made by ffmpeg once per session (tests needing them skip without it)."""
    if not HAS_FFMPEG:
        pytest.skip("ffmpeg/ffprobe are not installed")
    return make_clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture
def no_ffmpeg(settings) -> None:
    """Run as on a machine without ffmpeg and ffprobe."""
    settings.AGORA_FFMPEG = "/nonexistent/ffmpeg"
    settings.AGORA_FFPROBE = "/nonexistent/ffprobe"
