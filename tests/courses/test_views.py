"""Course pages: what each person sees, what they may do, flat query counts, bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from agora.accounts.models import User
from agora.courses import actions
from agora.courses.models import Attempt, Completion, Course, Lesson, LessonAttachment
from agora.discussions.actions import post_reply
from agora.discussions.models import Reply, Thread
from agora.spaces.models import Space
from tests.courses.conftest import make_check
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def lesson_url(cohort, lesson, action: str = "") -> str:
    name = {"": "lesson_detail", "complete": "lesson_complete", "check": "lesson_check_attempt"}
    return reverse(name[action], args=[cohort.space.slug, lesson.pk])


def edit_url(lesson, name: str = "lesson_edit") -> str:
    return reverse(name, args=[lesson.course.slug, lesson.pk])


def open_prompt(instructor, lesson, **options) -> Thread:
    (prompt,) = actions.add_prompt(
        actor=instructor, lesson=lesson, title="Agree with the mean?", **options
    )
    return prompt.thread


def classmates(cohort, count: int) -> list[User]:
    people = UserFactory.create_batch(count)
    for person in people:
        add_member(cohort.space, person)
    return people


# --- the lesson page -------------------------------------------------------------------


def test_lesson_page_shows_content_and_prompt_beside_it(
    client_of, instructor, cohort, lesson, learner
):
    thread = open_prompt(instructor, lesson)
    (cleo,) = classmates(cohort, 1)
    post_reply(author=cleo, thread=thread, body="Yes, mostly.", stance="agree")
    response = client_of(learner).get(lesson_url(cohort, lesson))
    assert response.status_code == 200
    html = response.content.decode()
    assert "An <strong>average</strong> hides the shape." in html
    assert "Agree with the mean?" in html
    assert 'id="stance-summary">1 agree<' in html
    assert "Yes, mostly." in html
    assert f'name="next" value="{lesson_url(cohort, lesson)}"' in html
    assert 'class="layout-lesson"' in html
    assert "Mark lesson complete" in html


def test_post_first_prompt_hides_replies_until_the_learner_posts(
    client_of, instructor, cohort, lesson, learner
):
    thread = open_prompt(instructor, lesson, post_first=True)
    (cleo,) = classmates(cohort, 1)
    post_reply(author=cleo, thread=thread, body="Classmate secret answer.", stance="agree")
    html = client_of(learner).get(lesson_url(cohort, lesson)).content.decode()
    assert "Classmate secret answer." not in html
    assert 'id="post-first-notice"' in html
    post_reply(author=learner, thread=thread, body="Mine.", stance="disagree")
    html = client_of(learner).get(lesson_url(cohort, lesson)).content.decode()
    assert "Classmate secret answer." in html
    assert "1 agree · 1 disagree" in html


def test_replying_from_the_lesson_page_lands_back_on_it(
    client_of, instructor, cohort, lesson, learner
):
    thread = open_prompt(instructor, lesson)
    url = lesson_url(cohort, lesson)
    response = client_of(learner).post(
        reverse("reply_create", args=[cohort.space.slug, thread.pk]),
        {"body": "I agree: the median helps.", "stance": "agree", "next": url},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert list(Reply.objects.values_list("author", "stance")) == [(learner.pk, "agree")]
    # Another site is not a place to land.
    response = client_of(learner).post(
        reverse("reply_create", args=[cohort.space.slug, thread.pk]),
        {"body": "Again.", "stance": "agree", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(thread.get_absolute_url())


def test_lesson_page_query_count_is_flat(
    client_of, instructor, cohort, lesson, learner, assert_flat_query_count
):
    thread = open_prompt(instructor, lesson)
    make_check(instructor, lesson)
    people = classmates(cohort, 10)

    def replies(count: int) -> None:
        for index in range(count):
            reply = post_reply(
                author=people[index % 10], thread=thread, body=f"Reply {index}", stance="agree"
            )
            if index % 4 == 0:
                post_reply(author=learner, thread=thread, parent=reply, body="Comment")

    replies(10)
    client = client_of(learner)
    count = assert_flat_query_count(
        lambda: client.get(lesson_url(cohort, lesson)), grow=lambda: replies(190), limit=8
    )
    # Session, user (with their profile), cohort (course, space, role, teaching),
    # lesson (check, prompt, status, outline, files), questions (with their
    # choices), replies, reactions, thread files.
    assert count == 8


def test_outsider_gets_404_for_a_secret_cohorts_lessons(client_of, instructor, course, lesson):
    secret = actions.add_cohort(actor=instructor, course=course, name="Hidden", visibility="secret")
    outsider = UserFactory()
    client = client_of(outsider)
    assert client.get(lesson_url(secret, lesson)).status_code == 404
    assert client.get(reverse("cohort_lessons", args=[secret.space.slug])).status_code == 404
    assert client.post(lesson_url(secret, lesson, "complete")).status_code == 404
    assert client.get(reverse("course_detail", args=[course.slug])).status_code == 404
    assert Completion.objects.exists() is False


def test_private_cohort_lessons_are_403_for_those_who_see_the_space(
    client_of, instructor, course, lesson
):
    private = actions.add_cohort(actor=instructor, course=course, name="Priv", visibility="private")
    response = client_of(UserFactory()).get(lesson_url(private, lesson))
    assert response.status_code == 403


def test_learner_gets_404_for_drafts_and_other_courses_lessons(
    client_of, instructor, cohort, learner, draft
):
    client = client_of(learner)
    assert client.get(lesson_url(cohort, draft)).status_code == 404
    other_course = actions.create_course(actor=instructor, title="Other")
    other_lesson = actions.create_lesson(
        actor=instructor, course=other_course, title="Elsewhere", publish=True
    )
    assert client.get(lesson_url(cohort, other_lesson)).status_code == 404
    assert (
        client.get(f"/spaces/{cohort.space.slug}/lessons/99999999999999999999/").status_code == 404
    )


def test_learners_cannot_reach_edit_pages(client_of, cohort, learner, lesson):
    client = client_of(learner)
    assert client.get(edit_url(lesson)).status_code == 403
    response = client.post(edit_url(lesson), {"title": "Mine", "content": "x"})
    assert response.status_code == 403
    assert client.post(edit_url(lesson, "lesson_publish"), {"publish": "0"}).status_code == 403
    lesson.refresh_from_db()
    assert (lesson.title, lesson.is_published) == ("What is a number hiding?", True)


def test_instructor_of_course_a_cannot_edit_course_b(client_of, instructor, course):
    teacher_b = UserFactory(org_role=User.OrgRole.STAFF)
    course_b = actions.create_course(actor=teacher_b, title="Course B")
    actions.add_cohort(actor=teacher_b, course=course_b, name="B open", visibility="open")
    response = client_of(instructor).post(
        reverse("course_edit", args=[course_b.slug]), {"title": "Taken", "summary": ""}
    )
    assert response.status_code == 403
    assert Course.objects.get(pk=course_b.pk).title == "Course B"


# --- writing ---------------------------------------------------------------------------


def test_instructor_creates_course_cohort_and_lesson(client_of, instructor):
    client = client_of(instructor)
    response = client.post(reverse("course_create"), {"title": "Stats", "summary": "**S**"})
    course = Course.objects.get()
    assert response["Location"] == course.get_absolute_url()
    response = client.post(
        reverse("cohort_create", args=[course.slug]), {"name": "Spring", "visibility": "private"}
    )
    space = Space.objects.get(kind="course")
    assert response["Location"] == space.get_absolute_url()
    response = client.post(
        reverse("lesson_create", args=[course.slug]),
        {"title": "Means", "content": "# Means", "external_url": "https://lms.example.org/1"},
    )
    lesson = Lesson.objects.get()
    assert response["Location"] == edit_url(lesson)
    assert (lesson.is_published, lesson.content_html) == (False, "<h1>Means</h1>\n")
    client.post(edit_url(lesson, "lesson_publish"), {"publish": "1"})
    client.post(edit_url(lesson, "lesson_prompt_add"), {"title": "Is the mean enough?", "body": ""})
    lesson.refresh_from_db()
    assert lesson.is_published is True
    assert list(lesson.prompts.values_list("thread__title", "cohort__space")) == [
        ("Is the mean enough?", space.pk)
    ]
    home = client.get(space.get_absolute_url()).content.decode()
    assert reverse("cohort_lessons", args=[space.slug]) in home


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "content": "kept"}, "title", "This field is required."),
        ({"title": "x" * 201, "content": "kept"}, "title", "Ensure this value has at most 200"),
        ({"title": "T", "content": "kept", "external_url": "javascript:alert(1)"}, "external_url",
         "Enter a web address starting with http:// or https://."),
        ({"title": "T", "content": "y" * 100_001}, "content", "Ensure this value has at most"),
        ({"title": "T\x00", "content": "kept"}, "title", "Null characters are not allowed."),
    ],
)  # fmt: skip
def test_bad_lesson_input_is_400_with_the_text_kept(
    client_of, instructor, course, data, field, message
):
    response = client_of(instructor).post(reverse("lesson_create", args=[course.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in str(response.context["form"].errors[field])
    assert response.context["form"]["content"].value() == data["content"]
    assert Lesson.objects.exists() is False


def test_fake_attachment_is_400_and_nothing_stored(client_of, instructor, lesson):
    response = client_of(instructor).post(
        edit_url(lesson, "lesson_attachment_add"),
        {"file": SimpleUploadedFile("setup.pdf", b"MZ\x90\x00\x03 windows program")},
    )
    assert response.status_code == 400
    assert "This kind of file is not accepted." in response.content.decode()
    assert LessonAttachment.objects.exists() is False
    response = client_of(instructor).post(
        edit_url(lesson, "lesson_attachment_add"),
        {"file": SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%%EOF")},
    )
    assert response.status_code == 302
    assert list(LessonAttachment.objects.values_list("name", flat=True)) == ["slides.pdf"]


def test_question_builder_validates_and_keeps_input(client_of, instructor, lesson):
    client = client_of(instructor)
    url = edit_url(lesson, "lesson_question_add")
    response = client.post(url, {"text": "Which?", "choice_1": "Only one", "correct_1": "on"})
    assert response.status_code == 400
    assert "Give at least two choices." in response.content.decode()
    assert response.context["question_form"]["choice_1"].value() == "Only one"
    response = client.post(url, {"text": "Which?", "choice_1": "A", "choice_2": "B"})
    assert response.status_code == 400
    assert "Mark at least one choice as correct." in response.content.decode()
    response = client.post(
        url, {"text": "Which?", "choice_1": "A", "choice_2": "B", "correct_2": "on"}
    )
    assert response.status_code == 302
    question = lesson.knowledge_check.questions.get()
    response = client.post(
        reverse("lesson_question_edit", args=[lesson.course.slug, lesson.pk, question.pk]),
        {
            "text": "Which one?",
            "choice_1": "A",
            "correct_1": "on",
            "choice_2": "B",
            "choice_3": "C",
        },
    )
    assert response.status_code == 302
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("A", True),
        ("B", False),
        ("C", False),
    ]


def test_move_buttons_reorder_lessons(client_of, instructor, course, lesson, draft):
    client_of(instructor).post(edit_url(draft, "lesson_move"), {"direction": "up"})
    assert list(course.lessons.order_by("position").values_list("pk", flat=True)) == [
        draft.pk,
        lesson.pk,
    ]


# --- learning --------------------------------------------------------------------------


def test_learner_marks_complete_and_undoes(client_of, cohort, lesson, learner):
    client = client_of(learner)
    response = client.post(lesson_url(cohort, lesson, "complete"), {"done": "1"})
    assert response["Location"] == lesson_url(cohort, lesson)
    assert Completion.objects.filter(user=learner, lesson=lesson).exists() is True
    html = client.get(lesson_url(cohort, lesson)).content.decode()
    assert "Mark as not done" in html
    client.post(lesson_url(cohort, lesson, "complete"), {"done": "0"})
    assert Completion.objects.exists() is False


def test_check_attempt_scores_and_bad_attempts_are_400(
    client_of, instructor, cohort, lesson, learner
):
    (q1, right1, _w1), (q2, right2, wrong2) = make_check(instructor, lesson, passing_score=100)
    client = client_of(learner)
    url = lesson_url(cohort, lesson, "check")
    response = client.post(url, {f"q{q1.pk}": [right1.pk]})
    assert response.status_code == 400
    assert "Answer every question: 2." in response.content.decode()
    assert response.context["attempt_form"][f"q{q1.pk}"].value() == [str(right1.pk)]
    response = client.post(url, {f"q{q1.pk}": [right1.pk], f"q{q2.pk}": [999999]})
    assert response.status_code == 400
    assert Attempt.objects.exists() is False
    response = client.post(url, {f"q{q1.pk}": [right1.pk], f"q{q2.pk}": [wrong2.pk]})
    assert response.status_code == 200
    assert "You scored 50 %: not passed yet." in response.content.decode()
    response = client.post(url, {f"q{q1.pk}": [right1.pk], f"q{q2.pk}": [right2.pk]})
    assert "You scored 100 %: passed." in response.content.decode()
    assert list(Attempt.objects.order_by("pk").values_list("score", "passed")) == [
        (50, False),
        (100, True),
    ]
    progress = client.get(reverse("cohort_lessons", args=[cohort.space.slug]))
    assert "100 %" in progress.content.decode()


def test_check_page_does_not_reveal_correct_answers_to_learners(
    client_of, instructor, cohort, lesson, learner
):
    make_check(instructor, lesson)
    html = client_of(learner).get(lesson_url(cohort, lesson)).content.decode()
    assert "Which resists outliers?" in html
    assert "correct" not in html.lower().replace("mark lesson complete", "")


# --- progress, roster, course page -----------------------------------------------------


def test_roster_counts_lessons_scores_and_contributions(
    client_of, instructor, cohort, lesson, learner
):
    thread = open_prompt(instructor, lesson)
    (q1, right1, _), (q2, _right2, wrong2) = make_check(instructor, lesson)
    post_reply(author=learner, thread=thread, body="Mine", stance="agree")
    actions.complete_lesson(user=learner, cohort=cohort, lesson=lesson)
    actions.submit_attempt(
        user=learner, cohort=cohort, lesson=lesson, answers={q1.pk: [right1.pk], q2.pk: [wrong2.pk]}
    )
    response = client_of(instructor).get(reverse("cohort_roster", args=[cohort.space.slug]))
    assert response.status_code == 200
    (row,) = response.context["page"]
    assert (row.user, row.completed, row.contributions, row.scores) == (learner, 1, 1, [50])
    assert (
        client_of(learner).get(reverse("cohort_roster", args=[cohort.space.slug])).status_code
        == 403
    )


def test_roster_query_count_is_flat(client_of, instructor, cohort, lesson, assert_flat_query_count):
    thread = open_prompt(instructor, lesson)
    (q1, right1, _), (q2, right2, _) = make_check(instructor, lesson)

    def learners(count: int) -> None:
        for person in classmates(cohort, count):
            post_reply(author=person, thread=thread, body="Hi", stance="agree")
            actions.complete_lesson(user=person, cohort=cohort, lesson=lesson)
            actions.submit_attempt(
                user=person,
                cohort=cohort,
                lesson=lesson,
                answers={q1.pk: [right1.pk], q2.pk: [right2.pk]},
            )

    learners(3)
    client = client_of(instructor)
    assert_flat_query_count(
        lambda: client.get(reverse("cohort_roster", args=[cohort.space.slug])),
        grow=lambda: learners(30),
    )


def test_course_page_query_count_is_flat(
    client_of, instructor, course, cohort, learner, assert_flat_query_count
):
    def lessons(count: int) -> None:
        for index in range(count):
            actions.create_lesson(actor=instructor, course=course, title=f"L{index}", publish=True)
        actions.add_cohort(
            actor=instructor, course=course, name=f"C{Course.objects.count()}{count}"
        )

    lessons(2)
    for client in (client_of(instructor), client_of(learner)):
        assert_flat_query_count(
            lambda client=client: client.get(course.get_absolute_url()), grow=lambda: lessons(10)
        )


def test_progress_page_query_count_is_flat(
    client_of, instructor, course, cohort, learner, assert_flat_query_count
):
    def lessons(count: int) -> None:
        for index in range(count):
            lesson = actions.create_lesson(
                actor=instructor, course=course, title=f"L{index}", publish=True
            )
            make_check(instructor, lesson)
            actions.complete_lesson(user=learner, cohort=cohort, lesson=lesson)

    lessons(2)
    client = client_of(learner)
    assert_flat_query_count(
        lambda: client.get(reverse("cohort_lessons", args=[cohort.space.slug])),
        grow=lambda: lessons(8),
    )


def test_course_list_shows_visible_courses(client_of, instructor, course, cohort, learner):
    hidden = actions.create_course(actor=instructor, title="Not yet running")
    html = client_of(learner).get(reverse("course_list")).content.decode()
    assert course.title in html
    assert hidden.title not in html


def test_lesson_files_are_served_only_to_those_who_see_the_lesson(
    client_of, instructor, course, cohort, lesson, draft, learner
):
    shown = actions.add_attachment(
        actor=instructor, lesson=lesson, upload=SimpleUploadedFile("chart.png", PNG)
    )
    hidden = actions.add_attachment(
        actor=instructor, lesson=draft, upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.7\n")
    )
    html = client_of(learner).get(lesson_url(cohort, lesson)).content.decode()
    assert f'href="{shown.get_absolute_url()}"' in html
    response = client_of(learner).get(shown.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == (
        "image/png",
        "nosniff",
    )
    assert client_of(learner).get(hidden.get_absolute_url()).status_code == 404
    response = client_of(instructor).get(hidden.get_absolute_url())
    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    assert client_of(UserFactory()).get(shown.get_absolute_url()).status_code == 404


def test_course_page_links_lessons_in_my_own_cohort(client_of, instructor, course, lesson, learner):
    actions.add_cohort(actor=instructor, course=course, name="Open first", visibility="open")
    mine = actions.add_cohort(actor=instructor, course=course, name="Mine", visibility="private")
    add_member(mine.space, learner)
    html = client_of(learner).get(course.get_absolute_url()).content.decode()
    assert f'href="{lesson_url(mine, lesson)}"' in html


def test_oversized_attachment_and_prompt_without_cohort_are_400(
    client_of, instructor, lesson, settings
):
    settings.AGORA_MAX_ATTACHMENT_BYTES = 100
    client = client_of(instructor)
    response = client.post(
        edit_url(lesson, "lesson_attachment_add"),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200)},
    )
    assert response.status_code == 400
    assert "The file is too large: the limit is 100\xa0bytes." in response.content.decode()
    response = client.post(
        edit_url(lesson, "lesson_prompt_add"), {"title": "Agree?", "body": "Typed *text*"}
    )
    assert response.status_code == 400
    assert escape(str(actions.NO_COHORTS)) in response.content.decode()
    assert response.context["prompt_form"]["body"].value() == "Typed *text*"
    assert LessonAttachment.objects.exists() is False


def test_instructor_opens_a_learners_progress_from_the_roster(
    client_of, instructor, cohort, lesson, learner
):
    actions.complete_lesson(user=learner, cohort=cohort, lesson=lesson)
    url = reverse("learner_progress", args=[cohort.space.slug, learner.pk])
    roster_page = client_of(instructor).get(reverse("cohort_roster", args=[cohort.space.slug]))
    assert f'href="{url}"' in roster_page.content.decode()
    response = client_of(instructor).get(url)
    assert [(row.lesson, row.completed) for row in response.context["rows"]] == [(lesson, True)]
    assert f"Progress of {learner.name}" in response.content.decode()
    assert client_of(learner).get(url).status_code == 403
    stranger = UserFactory()
    assert (
        client_of(instructor)
        .get(reverse("learner_progress", args=[cohort.space.slug, stranger.pk]))
        .status_code
        == 404
    )


def test_another_cohorts_pages_are_404_for_a_learner(
    client_of, instructor, course, cohort, lesson, learner
):
    other = actions.add_cohort(actor=instructor, course=course, name="Other", visibility="secret")
    client = client_of(learner)
    assert client.get(lesson_url(cohort, lesson)).status_code == 200
    for url in (
        lesson_url(other, lesson),
        reverse("cohort_lessons", args=[other.space.slug]),
        reverse("cohort_roster", args=[other.space.slug]),
        reverse("learner_progress", args=[other.space.slug, learner.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(lesson_url(other, lesson, "complete")).status_code == 404
    assert client.post(lesson_url(other, lesson, "check")).status_code == 404
    assert Completion.objects.exists() is False


def test_filtering_the_prompts_replies_stays_on_the_lesson_page(
    client_of, instructor, cohort, lesson, learner
):
    thread = open_prompt(instructor, lesson)
    (cleo, max_) = classmates(cohort, 2)
    post_reply(author=cleo, thread=thread, body="Agreeing reply", stance="agree")
    post_reply(author=max_, thread=thread, body="Disagreeing reply", stance="disagree")
    client = client_of(learner)
    url = lesson_url(cohort, lesson)
    html = client.get(url).content.decode()
    assert f'hx-get="{url}" hx-target="#responses-box"' in html
    response = client.get(url, {"stance": "disagree"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="responses-box">')
    assert "Disagreeing reply" in fragment
    assert "Agreeing reply" not in fragment
    # Without JavaScript the filter form reloads the whole lesson page, filtered.
    html = client.get(url, {"stance": "agree"}).content.decode()
    assert "Agreeing reply" in html
    assert "Disagreeing reply" not in html
    assert 'id="lesson-content"' in html


def test_lesson_page_lists_files_in_upload_order_and_choices_in_their_order(
    client_of, instructor, cohort, lesson, learner
):
    for name in ("b-first.pdf", "a-second.pdf"):
        actions.add_attachment(
            actor=instructor, lesson=lesson, upload=SimpleUploadedFile(name, b"%PDF-1.7\n")
        )
    actions.set_check(actor=instructor, lesson=lesson, passing_score=50)
    actions.add_question(
        actor=instructor,
        lesson=lesson,
        text="Pick",
        choices=[("Zebra", True), ("Apple", False), ("Mango", False)],
    )
    html = client_of(learner).get(lesson_url(cohort, lesson)).content.decode()
    assert html.index("b-first.pdf") < html.index("a-second.pdf")
    assert html.index("Zebra") < html.index("Apple") < html.index("Mango")
    assert 'id="attachments"' in html
    assert "9\xa0bytes" in html  # each file's size
