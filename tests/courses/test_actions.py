"""Course actions: permission, validation, the rows written and the events recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agora.accounts.models import User
from agora.courses import actions
from agora.courses.models import (
    Attempt,
    Cohort,
    Completion,
    Course,
    Lesson,
    LessonAttachment,
    LessonPrompt,
)
from agora.discussions.models import Thread
from agora.spaces.models import Membership, Space
from tests.courses.conftest import make_check
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db


def test_create_course_makes_the_creator_an_instructor(instructor):
    since = last_event_id()
    course = actions.create_course(actor=instructor, title="  Data   literacy ", summary="*Hi*")
    assert (course.title, course.slug, course.summary_html) == (
        "Data literacy",
        "data-literacy",
        "<p><em>Hi</em></p>\n",
    )
    assert list(course.instructors.all()) == [instructor]
    assert events_since(since) == [
        (
            "course.created",
            instructor.pk,
            None,
            "course",
            course.pk,
            {
                "course_id": course.pk,
                "course_title": "Data literacy",
                "course_slug": "data-literacy",
            },
        )
    ]


def test_members_may_not_create_courses(learner):
    with pytest.raises(PermissionDenied):
        actions.create_course(actor=learner, title="Mine")
    assert Course.objects.exists() is False


@pytest.mark.parametrize(
    ("title", "summary", "errors"),
    [
        ("", "", {"title": ["Give it a title."]}),
        ("x" * 201, "", {"title": ["Keep the title under 200 characters."]}),
        ("Fine", "y" * 10_001, {"summary": ["Keep it under 10000 characters."]}),
    ],
)
def test_create_course_refuses_bad_text(instructor, title, summary, errors):
    with pytest.raises(ValidationError) as caught:
        actions.create_course(actor=instructor, title=title, summary=summary)
    assert caught.value.message_dict == errors
    assert Course.objects.exists() is False


def test_instructors_of_one_course_cannot_edit_another(instructor, course):
    other_teacher = UserFactory(org_role=User.OrgRole.STAFF)
    other = actions.create_course(actor=other_teacher, title="Course B")
    with pytest.raises(PermissionDenied):
        actions.update_course(actor=instructor, course=other, title="Taken over")
    with pytest.raises(PermissionDenied):
        actions.create_lesson(actor=instructor, course=other, title="Sneaky")
    other.refresh_from_db()
    assert other.title == "Course B"
    assert other.lessons.exists() is False


def test_add_cohort_creates_a_course_space_with_the_instructor_as_facilitator(instructor, course):
    since = last_event_id()
    cohort = actions.add_cohort(
        actor=instructor, course=course, name="Autumn", visibility=Space.Visibility.SECRET
    )
    space = cohort.space
    assert (space.kind, space.visibility, space.name) == ("course", "secret", "Autumn")
    assert list(space.memberships.values_list("user_id", "role")) == [
        (instructor.pk, Membership.Role.FACILITATOR)
    ]
    assert [event[0] for event in events_since(since)] == ["space.created", "cohort.added"]


def test_add_cohort_attaches_an_existing_course_space_only_once(instructor, course):
    space = make_space(creator=instructor, name="Existing", kind=Space.Kind.COURSE)
    cohort = actions.add_cohort(actor=instructor, course=course, space=space)
    assert cohort.space == space
    other = actions.create_course(actor=instructor, title="Other")
    with pytest.raises(ValidationError) as caught:
        actions.add_cohort(actor=instructor, course=other, space=space)
    assert caught.value.message_dict == {"space": [str(actions.ALREADY_COHORT)]}
    community = make_space(creator=instructor, name="Community")
    with pytest.raises(PermissionDenied):
        actions.add_cohort(actor=instructor, course=other, space=community)
    assert Cohort.objects.count() == 1


def test_lessons_are_appended_and_moved(instructor, course):
    first, second, third = (
        actions.create_lesson(actor=instructor, course=course, title=title)
        for title in ("One", "Two", "Three")
    )
    assert [lesson.position for lesson in (first, second, third)] == [0, 1, 2]
    actions.move_lesson(actor=instructor, lesson=third, direction="up")
    assert list(course.lessons.order_by("position").values_list("title", flat=True)) == [
        "One",
        "Three",
        "Two",
    ]
    actions.move_lesson(actor=instructor, lesson=first, direction="up")  # already first
    actions.reorder_lessons(
        actor=instructor, course=course, lesson_ids=[second.pk, first.pk, third.pk]
    )
    assert list(course.lessons.order_by("position").values_list("title", flat=True)) == [
        "Two",
        "One",
        "Three",
    ]
    with pytest.raises(ValidationError):
        actions.reorder_lessons(actor=instructor, course=course, lesson_ids=[second.pk, first.pk])
    with pytest.raises(ValidationError):
        actions.move_lesson(actor=instructor, lesson=first, direction="sideways")


@pytest.mark.parametrize(
    ("url", "saved"),
    [
        ("https://lms.example.org/course/7", True),
        ("http://lms.example.org", True),
        ("javascript:alert(1)", False),
        ("ftp://files.example.org/x", False),
        ("lms.example.org", False),
        ("https://" + "a" * 600 + ".org", False),
    ],
)
def test_external_link_must_be_http_or_https(instructor, course, url, saved):
    if saved:
        lesson = actions.create_lesson(actor=instructor, course=course, title="L", external_url=url)
        assert lesson.external_url == url
    else:
        with pytest.raises(ValidationError) as caught:
            actions.create_lesson(actor=instructor, course=course, title="L", external_url=url)
        assert caught.value.message_dict == {"external_url": [str(actions.BAD_URL)]}
        assert Lesson.objects.exists() is False


def test_lesson_content_is_rendered_and_sanitized(instructor, course):
    lesson = actions.create_lesson(
        actor=instructor,
        course=course,
        title="L",
        content="<script>alert(1)</script> **bold** [x](javascript:alert(1))",
    )
    assert "<script>" not in lesson.content_html
    assert 'href="javascript' not in lesson.content_html
    assert "<strong>bold</strong>" in lesson.content_html


def test_publish_records_one_event_per_cohort(instructor, course, cohort, draft):
    second = actions.add_cohort(actor=instructor, course=course, name="Second")
    since = last_event_id()
    actions.publish_lesson(actor=instructor, lesson=draft)
    actions.publish_lesson(actor=instructor, lesson=draft)  # already published: nothing
    assert [(e[0], e[2]) for e in events_since(since)] == [
        ("lesson.published", cohort.space_id),
        ("lesson.published", second.space_id),
    ]
    draft.refresh_from_db()
    assert draft.is_published is True
    assert draft.published_at is not None


def test_attachments_are_checked_by_content(instructor, lesson):
    attachment = actions.add_attachment(
        actor=instructor,
        lesson=lesson,
        upload=SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "slides.pdf",
        "application/pdf",
        15,
    )
    assert attachment.file.name.startswith("lessons/")
    assert "slides" not in attachment.file.name
    with pytest.raises(ValidationError) as caught:
        actions.add_attachment(
            actor=instructor,
            lesson=lesson,
            upload=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00not a pdf"),
        )
    assert list(caught.value.message_dict) == ["file"]
    assert LessonAttachment.objects.count() == 1


def test_oversized_attachment_is_refused(instructor, lesson, settings):
    settings.AGORA_MAX_ATTACHMENT_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        actions.add_attachment(
            actor=instructor,
            lesson=lesson,
            upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200),
        )
    assert caught.value.message_dict == {
        "file": ["The file is too large: the limit is 100\xa0bytes."]
    }


def test_prompt_opens_one_thread_per_cohort(instructor, course, cohort, lesson):
    second = actions.add_cohort(actor=instructor, course=course, name="Second")
    since = last_event_id()
    prompts = actions.add_prompt(
        actor=instructor, lesson=lesson, title="Agree?", body="Say *why*.", post_first=True
    )
    assert [(p.cohort, p.thread.space, p.thread.kind, p.thread.post_first) for p in prompts] == [
        (cohort, cohort.space, Thread.Kind.PROMPT, True),
        (second, second.space, Thread.Kind.PROMPT, True),
    ]
    assert [e[0] for e in events_since(since)] == ["thread.started", "thread.started"]
    with pytest.raises(ValidationError):
        actions.add_prompt(actor=instructor, lesson=lesson, title="Again?")
    # A cohort added later gets its own copy of the prompt.
    third = actions.add_cohort(actor=instructor, course=course, name="Third")
    copy = LessonPrompt.objects.get(lesson=lesson, cohort=third).thread
    assert (copy.space, copy.title, copy.body, copy.post_first) == (
        third.space,
        "Agree?",
        "Say *why*.",
        True,
    )


def test_prompt_needs_a_cohort(instructor, lesson):
    with pytest.raises(ValidationError) as caught:
        actions.add_prompt(actor=instructor, lesson=lesson, title="Agree?")
    assert caught.value.messages == [str(actions.NO_COHORTS)]


def test_attach_prompt_takes_a_prompt_of_a_cohort_space(instructor, cohort, lesson):
    from agora.discussions.actions import start_thread

    thread = start_thread(author=instructor, space=cohort.space, title="Q", kind="prompt")
    discussion = start_thread(author=instructor, space=cohort.space, title="D")
    prompt = actions.attach_prompt(actor=instructor, lesson=lesson, thread=thread)
    assert (prompt.lesson, prompt.cohort, prompt.thread) == (lesson, cohort, thread)
    with pytest.raises(ValidationError):
        actions.attach_prompt(actor=instructor, lesson=lesson, thread=discussion)


def test_complete_and_uncomplete(learner, cohort, lesson):
    since = last_event_id()
    actions.complete_lesson(user=learner, cohort=cohort, lesson=lesson)
    actions.complete_lesson(user=learner, cohort=cohort, lesson=lesson)  # once only
    assert Completion.objects.filter(user=learner).count() == 1
    actions.uncomplete_lesson(user=learner, cohort=cohort, lesson=lesson)
    assert Completion.objects.exists() is False
    events = events_since(since)
    assert [(e[0], e[1], e[2]) for e in events] == [
        ("lesson.completed", learner.pk, cohort.space_id),
        ("lesson.uncompleted", learner.pk, cohort.space_id),
    ]
    assert events[0][5]["lesson_title"] == "What is a number hiding?"


def test_outsiders_and_drafts_cannot_be_completed(outsider, learner, cohort, lesson, draft):
    with pytest.raises(PermissionDenied):
        actions.complete_lesson(user=outsider, cohort=cohort, lesson=lesson)
    with pytest.raises(ValidationError):
        actions.complete_lesson(user=learner, cohort=cohort, lesson=draft)
    assert Completion.objects.exists() is False


@pytest.mark.parametrize(
    ("choices", "errors"),
    [
        ([("Only one", True)], {"choices": [str(actions.TWO_CHOICES)]}),
        ([("A", False), ("B", False)], {"choices": [str(actions.ONE_CORRECT)]}),
        ([("A", True), ("  ", True)], {"choices": [str(actions.TWO_CHOICES)]}),
    ],
)
def test_questions_need_two_choices_and_a_correct_one(instructor, lesson, choices, errors):
    with pytest.raises(ValidationError) as caught:
        actions.add_question(actor=instructor, lesson=lesson, text="Q?", choices=choices)
    assert caught.value.message_dict == errors
    assert Lesson.objects.filter(pk=lesson.pk, knowledge_check__isnull=False).exists() is False


def test_attempts_are_scored_and_all_kept(instructor, learner, cohort, lesson):
    (q1, right1, _wrong1), (q2, right2, wrong2) = make_check(instructor, lesson, passing_score=100)
    since = last_event_id()
    first = actions.submit_attempt(
        user=learner, cohort=cohort, lesson=lesson, answers={q1.pk: [right1.pk], q2.pk: [wrong2.pk]}
    )
    second = actions.submit_attempt(
        user=learner,
        cohort=cohort,
        lesson=lesson,
        answers={q1.pk: [right1.pk], q2.pk: [right2.pk]},
    )
    assert (first.score, first.passed, second.score, second.passed) == (50, False, 100, True)
    assert first.answers == {str(q1.pk): [right1.pk], str(q2.pk): [wrong2.pk]}
    assert Attempt.objects.filter(user=learner).count() == 2
    events = events_since(since)
    assert [(e[0], e[5]["score"], e[5]["passed"]) for e in events] == [
        ("check.attempted", 50, False),
        ("check.attempted", 100, True),
    ]


def test_choosing_a_wrong_choice_besides_the_right_one_is_wrong(
    instructor, learner, cohort, lesson
):
    (q1, right1, wrong1), (q2, right2, _wrong2) = make_check(instructor, lesson)
    attempt = actions.submit_attempt(
        user=learner,
        cohort=cohort,
        lesson=lesson,
        answers={q1.pk: [right1.pk, wrong1.pk], q2.pk: [right2.pk]},
    )
    assert (attempt.score, attempt.passed) == (50, True)


def test_attempts_with_missing_answers_or_foreign_choices_are_refused(
    instructor, learner, cohort, lesson, course
):
    (q1, right1, _), (q2, _right2, _) = make_check(instructor, lesson)
    other = actions.create_lesson(actor=instructor, course=course, title="Other", publish=True)
    ((foreign_q, foreign_choice, _), _rest) = make_check(instructor, other)
    with pytest.raises(ValidationError) as caught:
        actions.submit_attempt(
            user=learner, cohort=cohort, lesson=lesson, answers={q1.pk: [right1.pk]}
        )
    assert caught.value.message_dict == {"answers": ["Answer every question: 2."]}
    with pytest.raises(ValidationError) as caught:
        actions.submit_attempt(
            user=learner,
            cohort=cohort,
            lesson=lesson,
            answers={q1.pk: [right1.pk], q2.pk: [foreign_choice.pk]},
        )
    assert caught.value.message_dict == {"answers": [str(actions.FOREIGN_CHOICE)]}
    with pytest.raises(ValidationError):
        actions.submit_attempt(
            user=learner,
            cohort=cohort,
            lesson=lesson,
            answers={q1.pk: [right1.pk], q2.pk: [_right2.pk], foreign_q.pk: [foreign_choice.pk]},
        )
    assert Attempt.objects.exists() is False


def test_update_and_delete_question(instructor, lesson):
    (q1, _right, _wrong), _second = make_check(instructor, lesson)
    actions.update_question(
        actor=instructor,
        question=q1,
        text="New?",
        choices=[("A", False), ("B", True), ("C", False)],
    )
    assert list(q1.choices.order_by("position").values_list("text", "is_correct")) == [
        ("A", False),
        ("B", True),
        ("C", False),
    ]
    learner = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.delete_question(actor=learner, question=q1)
    actions.delete_question(actor=instructor, question=q1)
    assert lesson.knowledge_check.questions.count() == 1


def test_passing_score_must_be_a_percentage(instructor, lesson):
    for bad in (-1, 101, True):
        with pytest.raises(ValidationError):
            actions.set_check(actor=instructor, lesson=lesson, passing_score=bad)
    check = actions.set_check(actor=instructor, lesson=lesson, passing_score=80)
    assert check.passing_score == 80


def test_learners_cannot_edit_lessons(learner, cohort, lesson):
    add_member(cohort.space, UserFactory())
    with pytest.raises(PermissionDenied):
        actions.update_lesson(actor=learner, lesson=lesson, title="Mine now")
    with pytest.raises(PermissionDenied):
        actions.publish_lesson(actor=learner, lesson=lesson, publish=False)
    lesson.refresh_from_db()
    assert (lesson.title, lesson.is_published) == ("What is a number hiding?", True)
