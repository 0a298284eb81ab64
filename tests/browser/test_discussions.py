"""Discussion pages in a real browser: htmx replies, comments and reactions, under axe and CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agora.discussions.actions import post_reply, start_thread
from agora.discussions.models import Reaction, Reply, Thread
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.browser


def arrange() -> dict:
    teacher = UserFactory(name="Tess Teacher")
    mia = UserFactory(name="Mia Member")
    leo = UserFactory(name="Leo Learner")
    space = make_space(creator=teacher, name="Stats 101", members=(mia, leo))
    prompt = start_thread(
        author=teacher,
        space=space,
        title="Is the mean enough?",
        body="Say *why*.",
        kind=Thread.Kind.PROMPT,
    )
    answer = post_reply(author=mia, thread=prompt, body="Yes, mostly.", stance="agree")
    return {"leo": leo, "teacher": teacher, "prompt": prompt, "answer": answer}


def test_reply_comment_and_react_without_reloading(open_tab):
    data = off_loop(arrange)
    tab = open_tab(user=data["leo"])
    page = tab.goto(data["prompt"].get_absolute_url())
    expect(page.locator("#stance-summary")).to_have_text("1 agree")
    assert_accessible(page, "thread page")

    # Spaces only: the browser lets it through, the server answers 400 and htmx shows why.
    form = page.locator("#reply-form")
    form.get_by_label("Your reply").fill("   ")
    form.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("textbox", name="Your reply")).to_have_accessible_description(
        "This field is required."
    )

    page.get_by_role("textbox", name="Your reply").fill("The median resists outliers.")
    page.locator("#reply-form").get_by_label("Your stance").select_option("disagree")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#responses > li")).to_have_count(2)
    expect(page.locator("#responses")).to_contain_text("The median resists outliers.")
    expect(page.locator("#stance-summary")).to_have_text("1 agree · 1 disagree")
    expect(page.get_by_role("textbox", name="Your reply")).to_have_value("")

    helpful = page.get_by_role("button", name="Mark helpful (0)")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    helpful.click()
    pressed = page.get_by_role("button", name="Mark helpful (1)")
    expect(pressed).to_have_attribute("aria-pressed", "true")

    answer = data["answer"]
    box = page.locator(f"#reply-{answer.pk}")
    box.get_by_role("link", name="Comment").click()
    box.get_by_label("Your comment").fill("Not with skewed data.")
    box.get_by_role("button", name="Post comment").click()
    expect(page.locator(f"#comments-{answer.pk} > li")).to_have_count(1)
    expect(page.locator(f"#comments-{answer.pk}")).to_contain_text("Not with skewed data.")

    counts = off_loop(
        lambda: (
            Reply.objects.filter(thread=data["prompt"]).count(),
            Reaction.objects.filter(reply=answer, kind="helpful").count(),
        )
    )
    assert counts == (3, 1)
    assert_accessible(page, "thread page after posting")
    save_screenshot(page, "thread")


def test_facilitator_view_and_thread_list_are_accessible(open_tab):
    data = off_loop(arrange)
    tab = open_tab(user=data["teacher"])
    page = tab.goto(data["prompt"].get_absolute_url())
    expect(page.get_by_role("button", name="Endorse")).to_have_count(1)
    page.get_by_role("button", name="Endorse").click()
    expect(page.locator(f"#reply-{data['answer'].pk}")).to_contain_text("Endorsed by Tess Teacher")
    assert_accessible(page, "thread page, facilitator")

    page = tab.goto(f"/spaces/{data['prompt'].space.slug}/threads/")
    expect(page.get_by_role("link", name="Is the mean enough?")).to_be_visible()
    assert_accessible(page, "thread list")
    page = tab.goto(f"/spaces/{data['prompt'].space.slug}/threads/new/")
    assert_accessible(page, "new thread")
