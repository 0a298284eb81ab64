"""Course events read as sentences in the cohort space's feed."""

from __future__ import annotations

import pytest

from agora.core.feed import describe
from agora.core.models import Event
from agora.courses import actions

pytestmark = pytest.mark.django_db


def test_course_events_have_feed_sentences(instructor, learner, cohort, draft):
    actions.publish_lesson(actor=instructor, lesson=draft)
    actions.complete_lesson(user=learner, cohort=cohort, lesson=draft)
    sentences = [
        describe(event)
        for event in Event.objects.filter(space=cohort.space).order_by("pk")
        if event.verb.startswith(("cohort.", "lesson."))
    ]
    assert sentences == [
        "started a cohort of “Data literacy for teams” in Spring cohort",
        "published the lesson “Draft lesson”",
        "completed the lesson “Draft lesson”",
    ]
