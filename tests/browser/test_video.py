"""Show and tell in a real browser: a captioned video posted, played, seeked (206), replied to."""

from __future__ import annotations

import pytest
from playwright.sync_api import Response, expect

from agora.accounts.models import User
from agora.discussions.models import Thread
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, make_space
from tests.videos import CAPTIONS

pytestmark = pytest.mark.browser


def test_instructor_posts_a_captioned_video_and_a_learner_watches_it(
    open_tab, clips, tmp_path, django_capture_on_commit_callbacks
):
    teacher, learner = off_loop(
        lambda: (
            UserFactory(name="Tess Teacher", org_role=User.OrgRole.STAFF),
            UserFactory(name="Leo Learner"),
        )
    )
    space = off_loop(make_space, creator=teacher, name="Rivers lab", members=(learner,))
    clip = tmp_path / "flood.webm"
    clip.write_bytes(clips["webm"])
    captions = tmp_path / "flood.vtt"
    captions.write_bytes(CAPTIONS)

    # The instructor posts it through the form.
    tab = open_tab(user=teacher)
    page = tab.goto(f"/spaces/{space.slug}/threads/new/")
    page.get_by_label("Kind").select_option("show_and_tell")
    page.get_by_label("Title").fill("Our flood model")
    page.get_by_label("Text", exact=True).fill("Watch the water *rise*.")
    page.get_by_label("Video", exact=True).set_input_files(str(clip))
    page.get_by_label("Captions (WebVTT)").set_input_files(str(captions))
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", name="Our flood model", level=1)).to_be_visible()
    thread = off_loop(lambda: Thread.objects.select_related("video").get())
    assert thread.video.content_type == "video/webm"

    # The learner plays it, seeks to the middle, and reads the captions.
    learner_tab = open_tab(user=learner)
    ranges: list[Response] = []
    learner_tab.page.on(
        "response",
        lambda response: (
            ranges.append(response)
            if "/video/file/" in response.url and response.status == 206
            else None
        ),
    )
    page = learner_tab.goto(thread.get_absolute_url())
    video = page.get_by_label("Video: Our flood model")
    expect(video).to_be_visible()
    assert video.evaluate("v => v.tagName") == "VIDEO"
    assert video.evaluate("v => v.textTracks[0].mode") == "showing"  # `default` turned them on
    video.evaluate("v => { v.muted = true; return v.play(); }")
    # Waits run as evaluated functions, not `wait_for_function` strings: those are
    # evaluated with `eval`, which the page's Content-Security-Policy forbids.
    video.evaluate(
        """v => new Promise(done => {
            const check = () => v.currentTime > 0 ? done() : setTimeout(check, 20);
            check();
        })"""
    )
    video.evaluate("v => v.pause()")
    duration = video.evaluate("v => v.duration")
    assert duration == pytest.approx(6.0, abs=0.3)
    video.evaluate(
        """v => new Promise(done => {
            v.addEventListener('seeked', done, {once: true});
            v.currentTime = v.duration / 2;
        })"""
    )
    video.evaluate(
        """v => new Promise(done => {
            const check = () => {
                const cues = v.textTracks[0].activeCues;
                cues && cues.length > 0 ? done() : setTimeout(check, 20);
            };
            check();
        })"""
    )
    cue = video.evaluate("v => v.textTracks[0].activeCues[0].text")
    assert cue == "And this is the second half"
    assert ranges, "the player made no range request"
    content_range = ranges[0].headers["content-range"]
    assert content_range.startswith("bytes ")
    assert content_range.endswith(f"/{len(clips['webm'])}")
    assert_accessible(page, "show and tell with a video")

    # Replies work as in any thread.
    page.get_by_role("textbox", name="Your reply").fill("The captions help, thanks!")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#responses")).to_contain_text("The captions help, thanks!")
    save_screenshot(page, "video")
