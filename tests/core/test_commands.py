"""Operations commands: `agora redeliver` sweeps the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from agora.core.events import record
from agora.core.models import Event

pytestmark = pytest.mark.django_db


def test_redeliver_delivers_events_left_undelivered(member, capsys):
    # Inside the test transaction nothing commits, so these stay undelivered,
    # as after a crash between the commit and the hand-over to the worker.
    old = record(actor=member, verb="test.happened", obj=member)
    fresh = record(actor=member, verb="test.happened", obj=member)
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    call_command("redeliver", "--older-than", "300")
    assert capsys.readouterr().out == "Delivered 1 pending events.\n"
    delivered = dict(Event.objects.values_list("pk", "delivered_at"))
    assert delivered[old.pk] is not None
    assert delivered[fresh.pk] is None

    call_command("redeliver")
    assert capsys.readouterr().out == "Delivered 1 pending events.\n"
    assert Event.objects.filter(delivered_at__isnull=True).exists() is False
