"""The demo people get notifications through the real actions; old accounts get handles."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import override_settings

from agora.accounts.models import User
from agora.core.models import Event
from agora.demo import build_demo
from agora.discussions.models import Reply
from agora.notifications.models import Kind, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_its_people_notifications(django_capture_on_commit_callbacks):
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        build_demo()

    instructor = User.objects.get(email="instructor@demo.agora.test")
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {Kind.REPLY, Kind.COMMENT, Kind.PROMPT, Kind.FOLLOWED} <= kinds
    assert instructor.notifications.filter(kind=Kind.REPLY).exists()
    assert Notification.objects.filter(recipient=instructor, actor=instructor).exists() is False
    # Backdated news is told in the app only.
    assert Notification.objects.filter(by_email=True).exists() is False
    assert User.objects.filter(handle="helena-vogt").exists()
    # A demo comment on Olivia's response mentions her: a link to her profile, and one
    # notification, of the more specific kind.
    olivia = User.objects.get(handle="olivia-bennett")
    [event] = Event.objects.filter(verb="reply.posted", data__mentioned=[olivia.pk])
    assert list(olivia.notifications.filter(event=event).values_list("kind", flat=True)) == [
        Kind.COMMENT
    ]
    assert Reply.objects.filter(body_html__contains=f'href="/people/{olivia.pk}/"').count() == 1


def test_the_migration_gives_existing_people_unique_handles():
    migration = importlib.import_module("agora.accounts.migrations.0002_user_handle")
    people = [UserFactory(name="Sam Same"), UserFactory(name="Sam Same"), UserFactory(name="李")]
    for n, person in enumerate(people):  # as before: no handles (unique here, so placeholders)
        User.objects.filter(pk=person.pk).update(handle=f"old-{n}")

    migration.fill_handles(apps, None)

    assert [User.objects.get(pk=p.pk).handle for p in people] == [
        "sam-same",
        "sam-same2",
        "person",
    ]
