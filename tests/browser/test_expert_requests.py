"""Ask an expert in a real browser: profile → Ask → the expert answers → answered and helpful."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agora.accounts.models import Skill, SkillClaim
from agora.experts import scoring
from agora.experts.models import Expertise, ExpertRequest
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def arrange() -> dict:
    k8s = Skill.objects.create(name="Kubernetes")
    expert = UserFactory(name="Eve Expert", profile={"title": "Platform engineer"})
    SkillClaim.objects.create(user=expert, skill=k8s, level=SkillClaim.Level.EXPERT, years=6)
    scoring.refresh(expert.pk, [k8s.pk])
    asker = UserFactory(name="Ann Asker")
    return {"k8s": k8s, "expert": expert, "asker": asker}


def test_ask_an_expert_who_answers_and_is_rated_helpful(open_tab):
    data = off_loop(arrange)
    expert, k8s = data["expert"], data["k8s"]
    before = off_loop(lambda: Expertise.objects.get(user=expert, skill=k8s).helpful_requests)
    assert before == 0

    # The asker finds the Ask button on the expert's profile.
    asker_tab = open_tab(user=data["asker"])
    page = asker_tab.goto(expert.get_absolute_url())
    page.get_by_role("link", name="Ask Eve Expert").click()
    expect(page.get_by_role("heading", name="Ask Eve Expert")).to_be_visible()
    assert_accessible(page, "ask form")
    page.get_by_label("Your question, in a line").fill("Pods restart every hour")
    page.get_by_label("Details").fill("The *liveness* probe looks fine. What else?")
    page.get_by_label("Skill").select_option(label="Kubernetes")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_role("heading", name="Pods restart every hour")).to_be_visible()
    bar = page.get_by_role("region", name="Question to an expert")
    expect(bar.locator("#request-status")).to_have_text("Open")
    expect(bar).to_contain_text("Ann Asker asked Eve Expert · Kubernetes")
    thread_url = page.url

    # The expert answers in the conversation.
    expert_tab = open_tab(user=expert)
    answer_page = expert_tab.goto(thread_url.removeprefix(expert_tab.base_url))
    expect(answer_page.get_by_role("button", name="Mark answered")).to_have_count(0)
    answer_page.get_by_role("textbox", name="Your reply").fill("Check the readiness probe too.")
    answer_page.get_by_role("button", name="Post reply").click()
    expect(answer_page.locator("#responses")).to_contain_text("Check the readiness probe too.")

    # The asker marks it answered, then helpful.
    page.reload()
    expect(page.locator("#responses")).to_contain_text("Check the readiness probe too.")
    page.get_by_role("button", name="Mark answered").click()
    bar = page.get_by_role("region", name="Question to an expert")
    expect(bar.locator("#request-status")).to_have_text("Answered")
    bar.get_by_role("group", name="Helpful?").get_by_role("button", name="Yes").click()
    bar = page.get_by_role("region", name="Question to an expert")
    expect(bar).to_contain_text("Rated helpful")
    expect(bar.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "true")
    assert_accessible(page, "conversation with the request bar")
    save_screenshot(page, "expert-request")

    request, after = off_loop(
        lambda: (
            ExpertRequest.objects.get(),
            Expertise.objects.get(user=expert, skill=k8s).helpful_requests,
        )
    )
    assert (request.status, request.is_helpful) == (ExpertRequest.Status.ANSWERED, True)
    assert after == before + 1

    # My requests lists it, answered and helpful.
    mine = asker_tab.goto("/requests/?box=asked")
    item = mine.get_by_role("list", name="Requests, newest first").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Pods restart every hour")
    expect(item).to_contain_text("Answered")
    expect(item).to_contain_text("Helpful")
