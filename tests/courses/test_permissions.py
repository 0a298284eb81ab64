"""Who sees which courses, cohorts and lessons; who edits them."""

from __future__ import annotations

import pytest

from agora.accounts.models import User
from agora.courses import actions
from agora.courses.permissions import (
    can_edit_course,
    can_view_roster,
    courses_visible_to,
    lessons_visible_to,
)
from agora.spaces.models import Space
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


def test_courses_are_visible_through_readable_cohorts(instructor, course, learner, outsider):
    actions.add_cohort(actor=instructor, course=course, name="Secret", visibility="secret")
    assert list(courses_visible_to(outsider)) == []
    assert list(courses_visible_to(instructor)) == [course]
    open_course = actions.create_course(actor=instructor, title="Open course")
    actions.add_cohort(
        actor=instructor, course=open_course, name="Open", visibility=Space.Visibility.OPEN
    )
    assert list(courses_visible_to(outsider)) == [open_course]
    admin = UserFactory(org_role=User.OrgRole.ADMIN)
    assert set(courses_visible_to(admin)) == {course, open_course}


def test_a_course_without_cohorts_is_for_its_instructors(instructor, course, learner):
    assert list(courses_visible_to(learner)) == []
    assert list(courses_visible_to(instructor)) == [course]


def test_learners_see_published_lessons_only(instructor, cohort, learner, lesson, draft):
    assert list(lessons_visible_to(learner, cohort.course)) == [lesson]
    assert set(lessons_visible_to(instructor, cohort.course)) == {lesson, draft}


@pytest.mark.parametrize(
    ("_case", "who", "may_edit", "may_roster"),
    [
        ("instructor", "instructor", True, True),
        ("learner", "learner", False, False),
        ("org admin", "admin", True, True),
        ("staff who do not teach it", "staff", False, True),
        ("outsider", "outsider", False, False),
    ],
)
def test_edit_and_roster_rights(_case, who, may_edit, may_roster, instructor, cohort, learner):
    people = {
        "instructor": instructor,
        "learner": learner,
        "admin": UserFactory(org_role=User.OrgRole.ADMIN),
        # Learning staff manage every course space (the space rules), not every course.
        "staff": UserFactory(org_role=User.OrgRole.STAFF),
        "outsider": UserFactory(),
    }
    user = people[who]
    assert can_edit_course(user, cohort.course) is may_edit
    assert can_view_roster(user, cohort) is may_roster


def test_co_instructor_added_may_edit(instructor, course):
    colleague = UserFactory()
    assert can_edit_course(colleague, course) is False
    actions.add_instructor(actor=instructor, course=course, user=colleague)
    assert can_edit_course(colleague, course) is True
    guest = UserFactory(org_role=User.OrgRole.GUEST)
    with pytest.raises(Exception, match="cannot teach"):
        actions.add_instructor(actor=instructor, course=course, user=guest)


def test_member_of_one_cohort_does_not_see_through_another(instructor, course, cohort, learner):
    other = actions.add_cohort(actor=instructor, course=course, name="Other", visibility="secret")
    add_member(other.space, UserFactory())
    from agora.courses.permissions import cohorts_visible_to

    assert list(cohorts_visible_to(learner, course)) == [cohort]
