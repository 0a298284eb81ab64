"""The expert finder in a real browser: search "kubernetes", the strongest expert
comes first with the reasons, Ask, the expert answers, the asker marks it answered
and helpful, and the expert's evidence count goes up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agora.accounts.models import Skill, SkillClaim
from agora.discussions import actions as talk
from agora.discussions.models import Thread
from agora.experts import people_index, scoring
from agora.experts.models import Expertise, SkillEndorsement
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.browser


def arrange() -> dict:
    k8s = Skill.objects.create(name="Kubernetes")
    oskar = UserFactory(name="Oskar Olsen", profile={"title": "Platform engineer"})
    claimer = UserFactory(name="Marcus Miller", profile={"title": "Kubernetes enthusiast"})
    asker = UserFactory(name="Ann Asker")
    fans = [UserFactory() for _ in range(3)]
    SkillClaim.objects.create(user=oskar, skill=k8s, level=SkillClaim.Level.PRACTITIONER)
    SkillClaim.objects.create(user=claimer, skill=k8s, level=SkillClaim.Level.EXPERT)
    space = make_space(creator=fans[0], name="Platform guild", members=(oskar, *fans[1:]))
    for index in range(2):
        thread = talk.start_thread(
            author=fans[1],
            space=space,
            title=f"Pods evicted, case {index}",
            kind=Thread.Kind.QUESTION,
            skills=[k8s],
        )
        reply = talk.post_reply(author=oskar, thread=thread, body="Raise the memory limit.")
        talk.accept_answer(actor=fans[1], thread=thread, reply=reply)
    for fan in fans:
        SkillEndorsement.objects.create(person=oskar, skill=k8s, endorser=fan)
    for person in (oskar, claimer):
        scoring.refresh(person.pk)
    people_index.index_people([oskar.pk, claimer.pk, asker.pk, *(f.pk for f in fans)])
    return {"k8s": k8s, "oskar": oskar, "asker": asker}


def test_search_finds_the_evidenced_expert_first_and_asking_them_adds_evidence(open_tab):
    data = off_loop(arrange)
    oskar, k8s = data["oskar"], data["k8s"]
    before = off_loop(lambda: Expertise.objects.get(user=oskar, skill=k8s).helpful_requests)

    tab = open_tab(user=data["asker"])
    page = tab.goto("/experts/")
    page.get_by_role("searchbox", name="Who knows about").fill("kubernetes")
    page.get_by_role("searchbox", name="Who knows about").press("Enter")
    hits = page.locator(".expert-hit")
    expect(hits.first).to_contain_text("Oskar Olsen")
    expect(hits.first).to_contain_text("2 accepted answers")
    expect(hits.first).to_contain_text("endorsed by 3")
    expect(hits.nth(1)).to_contain_text("Marcus Miller")
    assert_accessible(page, "expert search")
    save_screenshot(page, "experts")

    hits.first.get_by_role("link", name="Ask Oskar Olsen").click()
    expect(page.get_by_role("heading", name="Ask Oskar Olsen")).to_be_visible()
    expect(page.get_by_label("Skill")).to_have_value(str(k8s.pk))
    page.get_by_label("Your question, in a line").fill("Node pressure evictions")
    page.get_by_label("Details").fill("Which limits would you set first?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_role("heading", name="Node pressure evictions")).to_be_visible()
    thread_url = page.url

    expert_tab = open_tab(user=oskar)
    answer = expert_tab.goto(thread_url.removeprefix(expert_tab.base_url))
    answer.get_by_role("textbox", name="Your reply").fill("Memory first, then ephemeral storage.")
    answer.get_by_role("button", name="Post reply").click()
    expect(answer.locator("#responses")).to_contain_text("Memory first")

    page.reload()
    page.get_by_role("button", name="Mark answered").click()
    bar = page.get_by_role("region", name="Question to an expert")
    expect(bar.locator("#request-status")).to_have_text("Answered")
    bar.get_by_role("group", name="Helpful?").get_by_role("button", name="Yes").click()
    expect(page.get_by_role("region", name="Question to an expert")).to_contain_text(
        "Rated helpful"
    )

    after = off_loop(lambda: Expertise.objects.get(user=oskar, skill=k8s).helpful_requests)
    assert after == before + 1
    # The search shows the new evidence too.
    page = tab.goto("/experts/?q=kubernetes")
    expect(page.locator(".expert-hit").first).to_contain_text("1 helpful")
