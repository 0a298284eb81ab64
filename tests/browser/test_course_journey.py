"""The course-discussion journey end to end, as the issue tells it.

An instructor builds a course with a lesson and a prompt; learner A answers
"agree"; learner B reads the lesson, sees A's answer beside it and disagrees
with it; A hears of it in the app and by email; the instructor endorses A's
answer; the summary reads "1 agree · 1 disagree". A second prompt in "post
before you see others" mode hides A's answer from B until B has posted.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from agora.accounts.models import User
from agora.courses.models import Cohort, Lesson
from agora.discussions.models import Reply
from tests.browser.conftest import Tab, assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.browser


def build_lesson(
    page: Page, course_url: str, *, title: str, content: str, prompt: str, post_first: bool = False
) -> None:
    """As the instructor: add a lesson to the course, publish it and open its prompt."""
    page.goto(course_url)
    page.get_by_role("link", name="New lesson").click()
    form = page.get_by_role("form", name="Lesson")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Content").fill(content)
    form.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text("The lesson is saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Publish lesson").click()
    expect(page.get_by_text("The lesson is published.")).to_be_visible()
    page.get_by_label("Prompt question").fill(prompt)
    if post_first:
        page.get_by_label("Post before you see others").check()
    page.get_by_role("button", name="Open prompt").click()
    expect(page.get_by_text("The prompt is open in every cohort.")).to_be_visible()


def answer(tab: Tab, lesson_url: str, text: str, stance: str) -> Page:
    page = tab.goto(lesson_url)
    form = page.locator("#reply-form")
    form.get_by_label("Your reply").fill(text)
    form.get_by_label("Your stance").select_option(stance)
    form.get_by_role("button", name="Post reply").click()
    expect(page.locator("#responses")).to_contain_text(text)
    return page


def test_instructor_prompt_learners_disagree_and_hear_of_it(open_tab):
    teacher, ana, ben = off_loop(
        lambda: (
            UserFactory(name="Tess Teacher", org_role=User.OrgRole.STAFF),
            UserFactory(name="Ana Learner", email="ana@example.org"),
            UserFactory(name="Ben Learner"),
        )
    )

    # The instructor: a course with a cohort, then a lesson with a prompt.
    instructor = open_tab(user=teacher)
    page = instructor.goto("/courses/new/")
    page.get_by_label("Title").fill("Statistics for teams")
    page.get_by_label("Summary").fill("Numbers with care.")
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", name="Statistics for teams", level=1)).to_be_visible()
    course_url = page.url
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Cohort name").fill("Spring")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", name="Spring", level=1)).to_be_visible()
    cohort = off_loop(lambda: Cohort.objects.select_related("space").get())
    off_loop(lambda: [add_member(cohort.space, learner) for learner in (ana, ben)])

    build_lesson(
        page,
        course_url,
        title="Means and medians",
        content="The **median** resists outliers; the mean does not.",
        prompt="Is the mean enough to describe salaries?",
    )
    lesson = off_loop(lambda: Lesson.objects.get(title="Means and medians"))
    lesson_url = f"/spaces/{cohort.space.slug}/lessons/{lesson.pk}/"

    # Learner A answers, agreeing with the lesson.
    ana_tab = open_tab(user=ana)
    answer(ana_tab, lesson_url, "The median tells the typical salary better.", "agree")
    ana_reply = off_loop(lambda: Reply.objects.get(author=ana))

    # Learner B sees A's answer beside the lesson content and disagrees with it.
    ben_tab = open_tab(user=ben)
    page = ben_tab.goto(lesson_url)
    expect(page.locator("#lesson-content")).to_contain_text("The median resists outliers")
    prompt = page.get_by_role("region", name="Is the mean enough to describe salaries?")
    a_answer = prompt.locator(f"#reply-{ana_reply.pk}")
    expect(a_answer).to_contain_text("The median tells the typical salary better.")
    content_box = page.locator("article.lesson").bounding_box()
    assert prompt.bounding_box()["x"] > content_box["x"] + content_box["width"] - 1
    a_answer.get_by_role("link", name="Comment").click()
    a_answer.get_by_label("Your comment").fill("For pay gaps the mean shows the total cost.")
    a_answer.get_by_label("Your stance").select_option("disagree")
    a_answer.get_by_role("button", name="Post comment").click()
    expect(page.locator(f"#comments-{ana_reply.pk}")).to_contain_text("the total cost")
    expect(page.locator("#stance-summary")).to_have_text("1 agree · 1 disagree")
    assert_accessible(page, "lesson page after a disagreement")

    # A hears of it: in the app (header badge, list) and by email.
    page = ana_tab.goto("/")
    page.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$")).click()
    notice = page.get_by_role(
        "link",
        name="Ben Learner commented on your reply in “Is the mean enough to describe salaries?”",
    )
    expect(notice).to_be_visible()
    emails = off_loop(lambda: [message for message in mail.outbox if message.to == [ana.email]])
    comment_mails = [m for m in emails if "the total cost" in m.body]
    assert len(comment_mails) == 1
    html = comment_mails[0].alternatives[0][0]
    assert "the total cost" in html
    assert comment_mails[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notice.click()
    expect(page.locator(f"#comments-{ana_reply.pk}")).to_contain_text("the total cost")

    # The instructor endorses A's answer; the summary stays 1 agree · 1 disagree.
    page = instructor.goto(lesson_url)
    # The response's own article, not the comment under it.
    own = page.locator(f"#reply-{ana_reply.pk} > article")
    own.get_by_role("button", name="Endorse").click()
    expect(own).to_contain_text("Endorsed by Tess Teacher")
    expect(page).to_have_url(re.compile(rf"{lesson_url}#reply-{ana_reply.pk}$"))
    expect(page.locator("#stance-summary")).to_have_text("1 agree · 1 disagree")
    save_screenshot(page, "lesson")

    # Post before you see others: B sees A's answer only after posting.
    build_lesson(
        page,
        course_url,
        title="Spread",
        content="Quartiles show how values spread.",
        prompt="Which spread measure do you use?",
        post_first=True,
    )
    second = off_loop(lambda: Lesson.objects.get(title="Spread"))
    second_url = f"/spaces/{cohort.space.slug}/lessons/{second.pk}/"
    answer(ana_tab, second_url, "The interquartile range, always.", "")
    page = ben_tab.goto(second_url)
    expect(page.get_by_role("region", name="Which spread measure do you use?")).to_be_visible()
    expect(page.get_by_text("The interquartile range, always.")).to_have_count(0)
    answer(ben_tab, second_url, "The standard deviation, for normal data.", "alternative")
    page = ben_tab.goto(second_url)
    expect(page.locator("#responses")).to_contain_text("The interquartile range, always.")
    expect(page.locator("#responses")).to_contain_text("The standard deviation")
