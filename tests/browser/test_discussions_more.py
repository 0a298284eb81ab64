"""More discussion pages in a real browser: edit history, preview, attachments, moderation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agora.discussions.actions import post_reply, start_thread
from agora.discussions.models import Attachment, Flag, Reply
from tests.browser.conftest import assert_accessible, off_loop, save_screenshot
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def arrange() -> dict:
    teacher = UserFactory(name="Tess Teacher")
    mia = UserFactory(name="Mia Member")
    leo = UserFactory(name="Leo Learner")
    space = make_space(creator=teacher, name="Stats 101", members=(mia, leo))
    thread = start_thread(author=teacher, space=space, title="Charts", body="Bars or lines?")
    reply = post_reply(author=mia, thread=thread, body="Bars, *always*.")
    return {"teacher": teacher, "mia": mia, "leo": leo, "thread": thread, "reply": reply}


def test_edit_a_reply_and_read_its_history(open_tab):
    data = off_loop(arrange)
    reply = data["reply"]
    tab = open_tab(user=data["mia"])
    page = tab.goto(data["thread"].get_absolute_url())
    page.locator(f"#reply-{reply.pk}").get_by_role("link", name="Edit").click()
    page.get_by_label("Your reply").fill("Lines for trends.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#reply-{reply.pk}")).to_contain_text("Lines for trends.")
    page.locator(f"#reply-{reply.pk}").get_by_role("link", name="edited").click()
    expect(page.get_by_role("heading", name="Edit history of a reply")).to_be_visible()
    expect(page.locator("#current-version")).to_contain_text("Lines for trends.")
    expect(page.locator("#revisions > li")).to_have_count(1)
    expect(page.locator("#revisions em")).to_have_text("always")
    assert_accessible(page, "edit history")


def test_preview_markdown_with_htmx(open_tab):
    data = off_loop(arrange)
    tab = open_tab(user=data["leo"])
    page = tab.goto(data["thread"].get_absolute_url())
    page.locator("#reply-form").get_by_label("Your reply").fill("Use **lines** <script>x</script>")
    page.locator("#reply-form").get_by_role("button", name="Preview").click()
    preview = page.locator("#reply-preview")
    expect(preview.locator("strong")).to_have_text("lines")
    expect(page.locator("#reply-form").get_by_label("Your reply")).to_have_value(
        "Use **lines** <script>x</script>"
    )
    assert off_loop(lambda: Reply.objects.count()) == 1
    assert_accessible(page, "thread page with a preview")


def test_upload_an_attachment_and_download_it(open_tab, tmp_path):
    data = off_loop(arrange)
    tab = open_tab(user=data["leo"])
    page = tab.goto(data["thread"].get_absolute_url())
    page.locator("#reply-form").get_by_label("Your reply").fill("My notes attached.")
    document = tmp_path / "notes.pdf"
    document.write_bytes(PDF)
    page.get_by_label("Attach files").set_input_files(str(document))
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#responses")).to_contain_text("My notes attached.")
    link = page.get_by_role("link", name="notes.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "notes.pdf"
    assert open(download.path(), "rb").read() == PDF  # noqa: SIM115
    assert off_loop(lambda: Attachment.objects.count()) == 1


def test_flag_hide_from_the_queue_and_read_the_log(open_tab):
    data = off_loop(arrange)
    reply = data["reply"]
    learner = open_tab(user=data["leo"])
    page = learner.goto(data["thread"].get_absolute_url())
    page.locator(f"#reply-{reply.pk}").get_by_role("link", name="Report").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Note for the moderators (optional)").fill("An advert")
    assert_accessible(page, "report form")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you: the moderators will look at it.")).to_be_visible()
    assert off_loop(lambda: Flag.objects.filter(status="open").count()) == 1

    teacher = open_tab(user=data["teacher"])
    queue = teacher.goto("/spaces/stats-101/moderation/")
    item = queue.locator(f"#flagged-reply-{reply.pk}")
    expect(item).to_contain_text("Leo Learner · Spam or advertising: “An advert”")
    assert_accessible(queue, "review queue")
    save_screenshot(queue, "review-queue")
    item.get_by_role("button", name="Hide").click()
    expect(queue.get_by_text("The post is hidden.")).to_be_visible()
    expect(queue.get_by_text("Nothing to review.")).to_be_visible()

    page = learner.goto(data["thread"].get_absolute_url())
    expect(page.locator(f"#reply-{reply.pk}")).to_contain_text(
        "This post was hidden by a moderator."
    )
    expect(page.locator(f"#reply-{reply.pk}")).not_to_contain_text("Bars")

    log = teacher.goto("/spaces/stats-101/moderation/log/")
    entries = log.locator("#moderation-log > li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("Tess Teacher hid a reply in “Charts”")
    expect(entries.nth(1)).to_contain_text("Leo Learner reported a reply in “Charts”")
    assert_accessible(log, "moderation log")
