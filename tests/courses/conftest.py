"""Fixtures of the course tests: a course taught by learning staff, run in one cohort."""

from __future__ import annotations

import pytest
from django.test import Client

from agora.accounts.models import User
from agora.courses import actions
from agora.courses.models import Cohort, Course, Lesson
from tests.api.helpers import ApiClient
from tests.factories import UserFactory, add_member


@pytest.fixture
def api_of():
    """Return an API client signed in (by session) as a user."""

    def make(user: User) -> ApiClient:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    return make


@pytest.fixture
def instructor(db) -> User:
    return UserFactory(name="Ines Instructor", org_role=User.OrgRole.STAFF)


@pytest.fixture
def learner(db) -> User:
    return UserFactory(name="Lea Learner")


@pytest.fixture
def course(instructor) -> Course:
    return actions.create_course(
        actor=instructor, title="Data literacy for teams", summary="Read *charts*."
    )


@pytest.fixture
def cohort(instructor, course, learner) -> Cohort:
    cohort = actions.add_cohort(actor=instructor, course=course, name="Spring cohort")
    add_member(cohort.space, learner)
    return cohort


@pytest.fixture
def lesson(instructor, course) -> Lesson:
    return actions.create_lesson(
        actor=instructor,
        course=course,
        title="What is a number hiding?",
        content="An **average** hides the shape.",
        publish=True,
    )


@pytest.fixture
def draft(instructor, course) -> Lesson:
    return actions.create_lesson(actor=instructor, course=course, title="Draft lesson")


def make_check(instructor: User, lesson: Lesson, *, passing_score: int = 50):
    """A two-question check: (question, right choice, wrong choice) for each."""
    actions.set_check(actor=instructor, lesson=lesson, passing_score=passing_score)
    made = []
    for text in ("Which resists outliers?", "Which hides the shape?"):
        question = actions.add_question(
            actor=instructor,
            lesson=lesson,
            text=text,
            choices=[("Right", True), ("Wrong", False)],
        )
        right, wrong = question.choices.order_by("position")
        made.append((question, right, wrong))
    return made
