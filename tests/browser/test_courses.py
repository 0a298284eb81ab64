"""Courses in a real browser: an instructor builds a lesson, a learner takes it (axe, CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agora.accounts.models import User
from agora.courses.models import Attempt, Cohort, Completion, Lesson
from agora.discussions.models import Reply
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.browser


def test_instructor_builds_a_lesson_and_a_learner_takes_it(open_tab):
    teacher, learner = off_loop(
        lambda: (
            UserFactory(name="Tess Teacher", org_role=User.OrgRole.STAFF),
            UserFactory(name="Leo Learner"),
        )
    )

    # The instructor: a course, a cohort, a lesson with a prompt and a check.
    tab = open_tab(user=teacher)
    page = tab.goto("/courses/new/")
    page.get_by_label("Title").fill("Statistics for teams")
    page.get_by_label("Summary").fill("Numbers with *care*.")
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", name="Statistics for teams", level=1)).to_be_visible()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Cohort name").fill("Spring")
    page.get_by_label("Visibility").select_option("private")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", name="Spring", level=1)).to_be_visible()
    cohort = off_loop(lambda: Cohort.objects.select_related("space").get())
    off_loop(add_member, cohort.space, learner)

    page = tab.goto(f"/courses/{cohort.course.slug}/")
    page.get_by_role("link", name="New lesson").click()
    lesson_form = page.get_by_role("form", name="Lesson")
    lesson_form.get_by_label("Title").fill("Means and medians")
    lesson_form.get_by_label("Content").fill("The **median** resists outliers.")
    lesson_form.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text("The lesson is saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Publish lesson").click()
    expect(page.get_by_text("The lesson is published.")).to_be_visible()
    page.get_by_label("Prompt question").fill("Is the mean enough?")
    page.get_by_role("button", name="Open prompt").click()
    expect(page.get_by_text("The prompt is open in every cohort.")).to_be_visible()
    question = page.get_by_role("form", name="Add a question")
    question.get_by_label("Question").fill("Which resists outliers?")
    question.get_by_label("Choice 1", exact=True).fill("The median")
    question.get_by_label("Choice 1 is correct").check()
    question.get_by_label("Choice 2", exact=True).fill("The mean")
    question.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("The question is added.")).to_be_visible()
    assert_accessible(page, "lesson editor")

    # The learner: reads the lesson beside its prompt, answers, completes, takes the check.
    lesson = off_loop(lambda: Lesson.objects.get())
    learner_tab = open_tab(user=learner)
    page = learner_tab.goto(f"/spaces/{cohort.space.slug}/")
    page.get_by_role("link", name="Lessons", exact=True).click()
    page.get_by_role("link", name="Means and medians").click()
    expect(page.locator("#lesson-content")).to_contain_text("The median resists outliers.")
    prompt = page.get_by_role("region", name="Is the mean enough?")
    expect(prompt).to_be_visible()
    content_box = page.locator("article.lesson").bounding_box()
    prompt_box = prompt.bounding_box()
    assert prompt_box["x"] > content_box["x"] + content_box["width"] - 1  # beside, not below
    assert_accessible(page, "lesson page")

    page.get_by_role("textbox", name="Your reply").fill("No: with skewed data, use the median.")
    page.locator("#reply-form").get_by_label("Your stance").select_option("agree")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#stance-summary")).to_have_text("1 agree")
    expect(page.locator("#responses")).to_contain_text("No: with skewed data, use the median.")

    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.get_by_role("button", name="Mark as not done")).to_be_visible()

    check = page.get_by_role("form", name="Knowledge check")
    check.get_by_label("The median").check()
    check.get_by_role("button", name="Submit answers").click()
    expect(page.locator("#attempt-result")).to_have_text("You scored 100 %: passed.")
    assert_accessible(page, "lesson page after the check")

    rows = off_loop(
        lambda: (
            list(Reply.objects.values_list("author_id", "stance")),
            list(Completion.objects.values_list("user_id", "lesson_id")),
            list(Attempt.objects.values_list("user_id", "score", "passed")),
        )
    )
    assert rows == (
        [(learner.pk, "agree")],
        [(learner.pk, lesson.pk)],
        [(learner.pk, 100, True)],
    )

    page = learner_tab.goto(f"/spaces/{cohort.space.slug}/lessons/")
    expect(page.locator(f"#progress-{lesson.pk}")).to_contain_text("100 %")
    assert_accessible(page, "progress page")

    # The instructor's views of it: the course page, the cohort's roster.
    page = tab.goto("/spaces/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Statistics for teams").click()
    expect(page.get_by_role("link", name="Means and medians", exact=True)).to_be_visible()
    assert_accessible(page, "course page")
    save_screenshot(page, "course")
    page = tab.goto(f"/spaces/{cohort.space.slug}/roster/")
    expect(page.locator(f"#learner-{learner.pk}")).to_contain_text("1 / 1")
    assert_accessible(page, "roster")
    save_screenshot(page, "roster")

    # On a phone the prompt comes below the lesson.
    phone = open_tab(user=learner, viewport={"width": 390, "height": 844})
    page = phone.goto(f"/spaces/{cohort.space.slug}/lessons/{lesson.pk}/")
    content_box = page.locator("article.lesson").bounding_box()
    prompt_box = page.get_by_role("region", name="Is the mean enough?").bounding_box()
    assert prompt_box["y"] >= content_box["y"] + content_box["height"]
