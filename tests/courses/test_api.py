"""Course API: the same actions and rules as the pages, the one error shape."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agora.accounts.models import User
from agora.courses import actions
from agora.courses.models import Attempt, Completion, Lesson
from agora.discussions.actions import post_reply
from tests.api.helpers import NOT_FOUND, forbidden, invalid
from tests.courses.conftest import make_check
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


def test_instructor_creates_course_cohort_and_lessons(api_of, instructor):
    api = api_of(instructor)
    response = api.post("/courses", {"title": "Stats", "summary": "*Hi*"})
    assert response.status_code == 201
    course = response.json()
    assert (course["title"], course["slug"], course["summary_html"]) == (
        "Stats",
        "stats",
        "<p><em>Hi</em></p>\n",
    )
    response = api.post(f"/courses/{course['id']}/cohorts", {"name": "Spring"})
    assert response.status_code == 201
    cohort = response.json()
    assert cohort["space_name"] == "Spring"
    first = api.post(f"/courses/{course['id']}/lessons", {"title": "One", "publish": True}).json()
    second = api.post(f"/courses/{course['id']}/lessons", {"title": "Two"}).json()
    assert (first["position"], first["is_published"], second["is_published"]) == (0, True, False)
    response = api.send(
        "put", f"/courses/{course['id']}/lesson-order", {"lesson_ids": [second["id"], first["id"]]}
    )
    assert [item["title"] for item in response.json()] == ["Two", "One"]
    response = api.send("put", f"/lessons/{second['id']}/publication", {"is_published": True})
    assert response.json()["is_published"] is True
    response = api.send("patch", f"/lessons/{first['id']}", {"content": "**Bold**"})
    assert response.json()["content_html"] == "<p><strong>Bold</strong></p>\n"
    response = api.send("patch", f"/courses/{course['id']}", {"title": "Statistics"})
    assert response.json()["title"] == "Statistics"


def test_bad_lesson_input_is_422(api_of, instructor, course):
    api = api_of(instructor)
    response = api.post(
        f"/courses/{course.pk}/lessons", {"title": "T", "external_url": "javascript:alert(1)"}
    )
    assert response.status_code == 422
    assert response.json() == invalid(external_url=[str(actions.BAD_URL)])
    response = api.post(f"/courses/{course.pk}/lessons", {"title": ""})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["title"]
    assert Lesson.objects.exists() is False


def test_learners_see_published_lessons_and_cannot_edit(api_of, cohort, learner, lesson, draft):
    api = api_of(learner)
    response = api.get(f"/courses/{cohort.course_id}/lessons")
    assert [item["id"] for item in response.json()["items"]] == [lesson.pk]
    assert api.get(f"/lessons/{draft.pk}").status_code == 404
    response = api.send("patch", f"/lessons/{lesson.pk}", {"title": "Mine"})
    assert response.status_code == 403
    assert response.json() == forbidden(str(actions.CANNOT_EDIT))


def test_outsider_gets_404_for_secret_cohorts(api_of, instructor, course, lesson):
    secret = actions.add_cohort(actor=instructor, course=course, name="S", visibility="secret")
    api = api_of(UserFactory())
    assert api.get(f"/courses/{course.pk}").json() == NOT_FOUND
    assert api.get(f"/lessons/{lesson.pk}").status_code == 404
    response = api.send("put", f"/cohorts/{secret.pk}/lessons/{lesson.pk}/completion")
    assert response.status_code == 404


def test_another_cohorts_ids_are_404(api_of, instructor, cohort, learner, lesson):
    other_course = actions.create_course(actor=instructor, title="Other")
    other_lesson = actions.create_lesson(
        actor=instructor, course=other_course, title="X", publish=True
    )
    response = api_of(learner).send(
        "put", f"/cohorts/{cohort.pk}/lessons/{other_lesson.pk}/completion"
    )
    assert response.status_code == 404
    assert Completion.objects.exists() is False


def test_completion_and_progress(api_of, cohort, learner, lesson):
    api = api_of(learner)
    response = api.send("put", f"/cohorts/{cohort.pk}/lessons/{lesson.pk}/completion")
    assert response.json() == {"lesson_id": lesson.pk, "cohort_id": cohort.pk, "completed": True}
    progress = api.get(f"/cohorts/{cohort.pk}/progress").json()["items"]
    assert progress == [
        {
            "lesson_id": lesson.pk,
            "title": lesson.title,
            "completed": True,
            "has_check": False,
            "best_score": None,
            "passed": False,
        }
    ]
    response = api.send("delete", f"/cohorts/{cohort.pk}/lessons/{lesson.pk}/completion")
    assert response.status_code == 204
    assert Completion.objects.exists() is False


def test_check_hides_correct_answers_from_learners(api_of, instructor, cohort, learner, lesson):
    make_check(instructor, lesson)
    learner_view = api_of(learner).get(f"/lessons/{lesson.pk}/check").json()
    assert {choice["is_correct"] for q in learner_view["questions"] for choice in q["choices"]} == {
        None
    }
    teacher_view = api_of(instructor).get(f"/lessons/{lesson.pk}/check").json()
    assert [c["is_correct"] for c in teacher_view["questions"][0]["choices"]] == [True, False]


def test_attempts_are_scored_and_bad_ones_refused(api_of, instructor, cohort, learner, lesson):
    (q1, right1, _), (q2, _right2, wrong2) = make_check(instructor, lesson)
    api = api_of(learner)
    url = f"/cohorts/{cohort.pk}/lessons/{lesson.pk}/attempts"
    response = api.post(url, {"answers": [{"question_id": q1.pk, "choice_ids": [right1.pk]}]})
    assert response.status_code == 422
    assert response.json() == invalid(answers=["Answer every question: 2."])
    response = api.post(
        url,
        {
            "answers": [
                {"question_id": q1.pk, "choice_ids": [right1.pk]},
                {"question_id": q2.pk, "choice_ids": [right1.pk]},
            ]
        },
    )
    assert response.json() == invalid(answers=[str(actions.FOREIGN_CHOICE)])
    response = api.post(url, {"answers": "nope"})
    assert response.status_code == 422
    assert Attempt.objects.exists() is False
    response = api.post(
        url,
        {
            "answers": [
                {"question_id": q1.pk, "choice_ids": [right1.pk]},
                {"question_id": q2.pk, "choice_ids": [wrong2.pk]},
            ]
        },
    )
    assert response.status_code == 201
    assert (response.json()["score"], response.json()["passed"]) == (50, True)


def test_roster_for_instructors_only_with_flat_queries(
    api_of, instructor, cohort, lesson, learner, assert_flat_query_count
):
    (prompt,) = actions.add_prompt(actor=instructor, lesson=lesson, title="Agree?")
    post_reply(author=learner, thread=prompt.thread, body="Yes", stance="agree")
    actions.complete_lesson(user=learner, cohort=cohort, lesson=lesson)
    response = api_of(instructor).get(f"/cohorts/{cohort.pk}/roster")
    assert response.json() == {
        "count": 1,
        "page": 1,
        "page_size": 25,
        "items": [
            {
                "user_id": learner.pk,
                "name": learner.name,
                "completed": 1,
                "lesson_total": 1,
                "best_scores": {},
                "contributions": 1,
            }
        ],
    }
    assert api_of(learner).get(f"/cohorts/{cohort.pk}/roster").status_code == 403

    def grow() -> None:
        for person in UserFactory.create_batch(10):
            add_member(cohort.space, person)
            actions.complete_lesson(user=person, cohort=cohort, lesson=lesson)

    api = api_of(instructor)
    assert_flat_query_count(lambda: api.get(f"/cohorts/{cohort.pk}/roster"), grow=grow)


def test_members_may_not_create_courses(api_of, learner):
    response = api_of(learner).post("/courses", {"title": "Mine"})
    assert response.status_code == 403
    staff = UserFactory(org_role=User.OrgRole.STAFF)
    assert api_of(staff).post("/courses", {"title": "Ours"}).status_code == 201


def test_lesson_list_query_count_is_flat(api_of, instructor, course, assert_flat_query_count):
    def lessons(count: int) -> None:
        for index in range(count):
            lesson = actions.create_lesson(actor=instructor, course=course, title=f"L{index}")
            actions.add_attachment(
                actor=instructor,
                lesson=lesson,
                upload=SimpleUploadedFile(f"n{index}.txt", b"notes"),
            )

    lessons(2)
    api = api_of(instructor)
    assert_flat_query_count(
        lambda: api.get(f"/courses/{course.pk}/lessons"), grow=lambda: lessons(8)
    )
    items = api.get(f"/courses/{course.pk}/lessons").json()["items"]
    assert items[0]["attachments"][0]["url"] == (
        f"/courses/{course.slug}/lessons/{items[0]['id']}/files/{items[0]['attachments'][0]['id']}/"
    )


def test_instructor_builds_prompt_and_check_through_the_api(api_of, instructor, cohort, lesson):
    api = api_of(instructor)
    response = api.post(f"/lessons/{lesson.pk}/prompt", {"title": "Agree?", "post_first": True})
    assert response.status_code == 201
    (prompt,) = response.json()
    assert prompt["cohort_id"] == cohort.pk
    assert api.get(f"/lessons/{lesson.pk}/check").status_code == 404
    response = api.send("put", f"/lessons/{lesson.pk}/check", {"passing_score": 80})
    assert response.json() == {"lesson_id": lesson.pk, "passing_score": 80, "questions": []}
    response = api.post(
        f"/lessons/{lesson.pk}/check/questions",
        {"text": "Which?", "choices": [{"text": "A", "is_correct": True}, {"text": "B"}]},
    )
    assert response.status_code == 201
    (question,) = response.json()["questions"]
    assert [(c["text"], c["is_correct"]) for c in question["choices"]] == [
        ("A", True),
        ("B", False),
    ]
    response = api.post(
        f"/lessons/{lesson.pk}/check/questions",
        {"text": "Which?", "choices": [{"text": "A"}, {"text": "B"}]},
    )
    assert response.json() == invalid(choices=[str(actions.ONE_CORRECT)])
    response = api.post(
        f"/lessons/{lesson.pk}/check/questions", {"text": "Which?", "choices": [{"text": "A"}]}
    )
    assert response.status_code == 422
    response = api.send(
        "put",
        f"/questions/{question['id']}",
        {"text": "Which one?", "choices": [{"text": "C"}, {"text": "D", "is_correct": True}]},
    )
    assert [c["text"] for c in response.json()["questions"][0]["choices"]] == ["C", "D"]
    assert api.send("delete", f"/questions/{question['id']}").status_code == 204


def test_learners_cannot_build_checks_through_the_api(api_of, instructor, cohort, lesson, learner):
    ((question, _right, _wrong), _rest) = make_check(instructor, lesson)
    api = api_of(learner)
    assert api.send("put", f"/lessons/{lesson.pk}/check", {"passing_score": 0}).status_code == 403
    response = api.send("delete", f"/questions/{question.pk}")
    assert response.status_code == 403
    assert api_of(UserFactory()).send("delete", f"/questions/{question.pk}").status_code == 404
    assert api.post(f"/lessons/{lesson.pk}/prompt", {"title": "Mine"}).status_code == 403
    assert lesson.knowledge_check.questions.count() == 2
