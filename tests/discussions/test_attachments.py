"""Attachments on threads and replies: checked by content, served by a guarded view."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agora.discussions import actions
from agora.discussions.models import Attachment, Reply, Thread
from tests.factories import make_space
from tests.pages import text_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FAKE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 4


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_reply_with_files_stores_them_under_random_names(thread, learner):
    reply = actions.post_reply(
        author=learner,
        thread=thread,
        body="See attached",
        files=[upload("../../etc/Report final.pdf", PDF), upload("dot.png", png_bytes())],
    )
    rows = list(Attachment.objects.filter(reply=reply).values_list("name", "content_type", "size"))
    assert rows == [
        ("Report final.pdf", "application/pdf", len(PDF)),
        ("dot.png", "image/png", len(png_bytes())),
    ]
    stored = Attachment.objects.first().file.name
    assert stored.startswith("attachments/")
    assert stored.endswith(".pdf")
    assert "Report" not in stored


def test_fake_or_oversized_files_are_refused_and_nothing_is_saved(thread, learner, settings):
    with pytest.raises(ValidationError) as error:
        actions.post_reply(
            author=learner, thread=thread, body="x", files=[upload("invoice.pdf", FAKE)]
        )
    assert list(error.value.message_dict) == ["files"]
    assert error.value.message_dict["files"][0].startswith("invoice.pdf: This kind of file")
    settings.AGORA_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationError) as error:
        actions.post_reply(author=learner, thread=thread, body="x", files=[upload("a.pdf", PDF)])
    assert error.value.message_dict["files"] == [
        "a.pdf: The file is too large: the limit is 10\xa0bytes."
    ]
    assert Reply.objects.exists() is False
    assert Attachment.objects.exists() is False


def test_at_most_five_files_per_post(space, member):
    files = [upload(f"f{i}.pdf", PDF) for i in range(6)]
    with pytest.raises(ValidationError) as error:
        actions.start_thread(author=member, space=space, title="Many", files=files)
    assert error.value.message_dict["files"] == ["Attach at most 5 files."]
    assert Thread.objects.exists() is False


def test_attach_files_later_is_for_the_author(thread, member, learner):
    [attachment] = actions.attach_files(uploader=member, post=thread, files=[upload("a.pdf", PDF)])
    assert attachment.thread_id == thread.pk
    with pytest.raises(PermissionDenied):
        actions.attach_files(uploader=learner, post=thread, files=[upload("b.pdf", PDF)])
    assert Attachment.objects.count() == 1


def test_new_thread_form_uploads_and_the_page_lists_the_file(client_of, space, member, learner):
    response = client_of(member).post(
        "/spaces/data-club/threads/new/",
        {"kind": "discussion", "title": "Data", "body": "Here", "files": [upload("d.pdf", PDF)]},
    )
    assert response.status_code == 302
    thread = Thread.objects.get(title="Data")
    attachment = Attachment.objects.get(thread=thread)
    html = client_of(learner).get(thread.get_absolute_url()).content.decode()
    url = f"/spaces/data-club/threads/{thread.pk}/files/{attachment.pk}/"
    assert f'href="{url}"' in html
    assert "d.pdf" in html
    download = client_of(learner).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="d.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_images_are_served_inline(client_of, thread, member, learner):
    [image] = actions.attach_files(
        uploader=member, post=thread, files=[upload("dot.png", png_bytes())]
    )
    download = client_of(learner).get(f"{thread.get_absolute_url()}files/{image.pk}/")
    assert download["Content-Disposition"] == 'inline; filename="dot.png"'
    assert download["Content-Type"] == "image/png"


def test_reply_form_with_a_fake_file_is_a_400_with_the_text_kept(client_of, thread, learner):
    response = client_of(learner).post(
        f"{thread.get_absolute_url()}replies/",
        {"body": "My careful words", "files": [upload("x.pdf", FAKE)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "My careful words" in html
    assert "x.pdf: This kind of file is not accepted." in html
    assert Reply.objects.exists() is False


def test_reply_form_with_an_oversized_file_is_a_400(client_of, thread, learner, settings):
    settings.AGORA_MAX_ATTACHMENT_BYTES = 20
    response = client_of(learner).post(
        f"{thread.get_absolute_url()}replies/",
        {"body": "Big one", "files": [upload("big.pdf", PDF)]},
    )
    assert response.status_code == 400
    assert "big.pdf: The file is too large: the limit is 20\xa0bytes." in response.content.decode()


def test_downloads_are_refused_to_those_who_may_not_see_the_post(
    client_of, facilitator, member, learner, outsider, thread
):
    reply = actions.post_reply(
        author=member, thread=thread, body="Secret", files=[upload("s.pdf", PDF)]
    )
    attachment = Attachment.objects.get(reply=reply)
    url = f"{thread.get_absolute_url()}files/{attachment.pk}/"
    assert client_of(learner).get(url).status_code == 200
    actions.hide_post(actor=facilitator, post=reply)
    assert client_of(learner).get(url).status_code == 404
    assert client_of(member).get(url).status_code == 200
    actions.restore_post(actor=facilitator, post=reply)
    actions.delete_reply(actor=member, reply=reply)
    assert client_of(member).get(url).status_code == 404
    private = make_space(creator=facilitator, name="Hush", visibility="private")
    hidden = actions.start_thread(
        author=facilitator, space=private, title="P", files=[upload("p.pdf", PDF)]
    )
    file = Attachment.objects.get(thread=hidden)
    assert (
        client_of(outsider).get(f"{hidden.get_absolute_url()}files/{file.pk}/").status_code == 404
    )


def test_another_threads_attachment_id_is_not_found(client_of, space, thread, member):
    other = actions.start_thread(
        author=member, space=space, title="Other", files=[upload("o.pdf", PDF)]
    )
    file = Attachment.objects.get(thread=other)
    assert client_of(member).get(f"{thread.get_absolute_url()}files/{file.pk}/").status_code == 404
    assert client_of(member).get(f"{thread.get_absolute_url()}files/999/").status_code == 404


def test_post_first_prompt_hides_classmates_files(client_of, space, facilitator, member, learner):
    prompt = actions.start_thread(
        author=facilitator, space=space, title="First", kind="prompt", post_first=True
    )
    reply = actions.post_reply(author=member, thread=prompt, body="A", files=[upload("a.pdf", PDF)])
    file = Attachment.objects.get(reply=reply)
    url = f"{prompt.get_absolute_url()}files/{file.pk}/"
    assert client_of(learner).get(url).status_code == 404
    actions.post_reply(author=learner, thread=prompt, body="Mine")
    assert client_of(learner).get(url).status_code == 200


def test_thread_page_lists_files_without_extra_queries_per_reply(
    client_of, thread, member, learner, assert_flat_query_count
):
    def grow(n: int) -> None:
        for i in range(n):
            actions.post_reply(
                author=member, thread=thread, body=f"R{i}", files=[upload(f"r{i}.pdf", PDF)]
            )

    grow(2)
    client = client_of(learner)
    assert_flat_query_count(
        lambda: client.get(thread.get_absolute_url()), grow=lambda: grow(15), limit=8
    )
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "r14.pdf" in text_of(html, "responses")


def test_deleting_a_post_removes_its_files_and_earlier_versions(
    thread, learner, facilitator, django_capture_on_commit_callbacks
):
    reply = actions.post_reply(
        author=learner, thread=thread, body="First", files=[upload("a.pdf", PDF)]
    )
    actions.edit_reply(editor=learner, reply=reply, body="Second")
    stored = Attachment.objects.get(reply=reply).file
    storage, name = stored.storage, stored.name
    assert storage.exists(name)
    assert reply.revisions.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_reply(actor=facilitator, reply=reply)
    assert not storage.exists(name)
    assert not Attachment.objects.filter(reply=reply).exists()
    assert not reply.revisions.exists()
    # The thread's own files go with it too; its replies stay.
    post = actions.start_thread(
        author=learner, space=thread.space, title="T", body="B", files=[upload("b.pdf", PDF)]
    )
    kept = actions.post_reply(author=facilitator, thread=post, body="Stays")
    thread_file = Attachment.objects.get(thread=post).file.name
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_thread(actor=learner, thread=post)
    assert not storage.exists(thread_file)
    assert Reply.objects.filter(pk=kept.pk, is_deleted=False).exists()


def test_a_deletion_that_fails_keeps_the_files(thread, learner, member):
    reply = actions.post_reply(
        author=learner, thread=thread, body="Mine", files=[upload("a.pdf", PDF)]
    )
    stored = Attachment.objects.get(reply=reply).file
    with pytest.raises(PermissionDenied):
        actions.delete_reply(actor=member, reply=reply)
    assert stored.storage.exists(stored.name)
    assert Attachment.objects.filter(reply=reply).count() == 1


def test_editing_a_reply_adds_and_removes_files(client_of, thread, learner, member):
    reply = actions.post_reply(
        author=learner, thread=thread, body="Words", files=[upload("old.pdf", PDF)]
    )
    old = Attachment.objects.get(reply=reply)
    client = client_of(learner)
    edit = f"{thread.get_absolute_url()}replies/{reply.pk}/edit/"
    form = client.get(edit).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert f'value="{old.pk}"' in form  # a box to remove it
    assert "old.pdf" in form
    response = client.post(
        edit, {"body": "Words", "files": [upload("new.pdf", PDF)], "remove_files": [old.pk]}
    )
    assert response.status_code == 302
    assert list(Attachment.objects.filter(reply=reply).values_list("name", flat=True)) == [
        "new.pdf"
    ]
    reply.refresh_from_db()
    # Only the files changed: no new version of the text.
    assert reply.edited_at is None
    assert reply.revisions.count() == 0


def test_editing_a_thread_changes_text_and_files_together_or_not_at_all(
    client_of, thread, member, settings
):
    actions.attach_files(
        uploader=member, post=thread, files=[upload(f"f{i}.pdf", PDF) for i in range(5)]
    )
    client = client_of(member)
    edit = f"{thread.get_absolute_url()}edit/"
    # A sixth file is refused, and so is the new text with it (which the form keeps).
    response = client.post(
        edit, {"title": "Charts again", "body": "New words", "files": [upload("six.pdf", PDF)]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Attach at most 5 files." in html
    assert "New words" in html
    thread.refresh_from_db()
    assert (thread.title, thread.body) == ("Charts", "Bars?")
    assert thread.attachments.count() == 5
    # Removing one makes room for it.
    first = thread.attachments.order_by("pk").first()
    response = client.post(
        edit,
        {
            "title": "Charts again",
            "body": "New words",
            "files": [upload("six.pdf", PDF)],
            "remove_files": [first.pk],
        },
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.title == "Charts again"
    assert sorted(thread.attachments.values_list("name", flat=True)) == [
        "f1.pdf", "f2.pdf", "f3.pdf", "f4.pdf", "six.pdf"
    ]  # fmt: skip


def test_an_edit_cannot_remove_another_posts_file(client_of, thread, learner, member):
    other = actions.post_reply(
        author=member, thread=thread, body="Theirs", files=[upload("theirs.pdf", PDF)]
    )
    mine = actions.post_reply(
        author=learner, thread=thread, body="Mine", files=[upload("mine.pdf", PDF)]
    )
    theirs = Attachment.objects.get(reply=other)
    response = client_of(learner).post(
        f"{thread.get_absolute_url()}replies/{mine.pk}/edit/",
        {"body": "Mine, edited", "remove_files": [theirs.pk]},
    )
    assert response.status_code == 400
    assert "Mine, edited" in response.content.decode()
    assert Attachment.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(ValidationError):
        actions.attach_files(uploader=learner, post=mine, remove=[theirs.pk])
    assert Attachment.objects.count() == 2
