"""The course admin pages open for org admins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.courses.conftest import make_check

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["course", "lesson", "question", "knowledgecheck", "attempt"])
def test_admin_lists_and_change_pages_open(
    client_of, admin_user, instructor, cohort, lesson, model
):
    make_check(instructor, lesson)
    client = client_of(admin_user)
    assert client.get(reverse(f"admin:courses_{model}_changelist")).status_code == 200
    objects = {
        "course": cohort.course,
        "lesson": lesson,
        "question": lesson.knowledge_check.questions.first(),
        "knowledgecheck": lesson.knowledge_check,
    }
    if model in objects:
        url = reverse(f"admin:courses_{model}_change", args=[objects[model].pk])
        assert client.get(url).status_code == 200
