"""Discussion API for revisions, attachments, preview, close, flags, moderation, blog."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agora.discussions import actions
from agora.discussions.models import Attachment, Flag, Reply, Thread
from tests.api.helpers import API, NOT_FOUND, ApiClient
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
FAKE = b"MZ\x90\x00" * 8


@pytest.fixture
def api_of():
    def make(user) -> ApiClient:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    return make


@pytest.fixture
def reply(thread, member):
    return actions.post_reply(author=member, thread=thread, body="Spam spam")


def test_revisions_list_newest_first(api_of, thread, member, learner):
    actions.edit_thread(editor=member, thread=thread, title="Charts 2", body="*Pies*")
    actions.edit_thread(editor=member, thread=thread, title="Charts 3", body="Lines")
    response = api_of(learner).get(f"/threads/{thread.pk}/revisions")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["title"], i["body"], i["html"], i["editor_name"]) for i in items] == [
        ("Charts 2", "*Pies*", "<p><em>Pies</em></p>\n", "Mia Member"),
        ("Charts", "Bars?", "<p>Bars?</p>\n", "Mia Member"),
    ]


def test_reply_revisions_and_hidden_ones(api_of, reply, member, learner, facilitator):
    actions.edit_reply(editor=member, reply=reply, body="Edited")
    assert [
        i["body"] for i in api_of(learner).get(f"/replies/{reply.pk}/revisions").json()["items"]
    ] == ["Spam spam"]
    actions.hide_post(actor=facilitator, post=reply)
    assert api_of(learner).get(f"/replies/{reply.pk}/revisions").json() == NOT_FOUND
    assert api_of(member).get(f"/replies/{reply.pk}/revisions").status_code == 200


def test_upload_attachments_and_see_them_on_the_thread(api_of, thread, member, learner):
    response = api_of(member).client.post(
        f"{API}/threads/{thread.pk}/attachments",
        {"files": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    expected = {
        "id": attachment.pk,
        "name": "a.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "url": f"/spaces/data-club/threads/{thread.pk}/files/{attachment.pk}/",
    }
    assert response.json() == [expected]
    assert api_of(learner).get(f"/threads/{thread.pk}").json()["attachments"] == [expected]
    listing = api_of(learner).get(f"/spaces/{thread.space_id}/threads").json()
    assert listing["items"][0]["attachments"] == [expected]


def test_fake_attachment_is_a_422_and_others_cannot_upload(api_of, thread, reply, learner, member):
    response = api_of(member).client.post(
        f"{API}/replies/{reply.pk}/attachments", {"files": [SimpleUploadedFile("x.pdf", FAKE)]}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["files"]
    response = api_of(learner).client.post(
        f"{API}/threads/{thread.pk}/attachments", {"files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert response.status_code == 403
    assert Attachment.objects.exists() is False


def test_remove_attachments_through_the_api(api_of, thread, reply, member, learner):
    [on_thread] = actions.attach_files(
        uploader=member, post=thread, files=[SimpleUploadedFile("t.pdf", PDF)]
    )
    [on_reply] = actions.attach_files(
        uploader=member, post=reply, files=[SimpleUploadedFile("r.pdf", PDF)]
    )
    owner, other = api_of(member), api_of(learner)
    # Someone else's post: refused, nothing removed.
    assert other.delete(f"/threads/{thread.pk}/attachments/{on_thread.pk}").status_code == 403
    # A file of another post, or none at all: not found.
    assert owner.delete(f"/threads/{thread.pk}/attachments/{on_reply.pk}").json() == NOT_FOUND
    assert owner.delete(f"/replies/{reply.pk}/attachments/{on_thread.pk}").json() == NOT_FOUND
    assert owner.delete(f"/replies/{reply.pk}/attachments/999999").json() == NOT_FOUND
    assert Attachment.objects.count() == 2
    assert owner.delete(f"/threads/{thread.pk}/attachments/{on_thread.pk}").status_code == 204
    assert owner.delete(f"/replies/{reply.pk}/attachments/{on_reply.pk}").status_code == 204
    assert Attachment.objects.exists() is False


def test_preview(api_of, member):
    response = api_of(member).post("/markdown/preview", {"body": "**x** <b onclick=1>y</b>"})
    assert response.json() == {"html": "<p><strong>x</strong> &lt;b onclick=1&gt;y&lt;/b&gt;</p>\n"}
    response = api_of(member).post("/markdown/preview", {"body": "x" * 20_001})
    assert response.status_code == 422


def test_close_through_the_moderation_endpoint(api_of, thread, facilitator, member):
    response = api_of(facilitator).patch(f"/threads/{thread.pk}/moderation", {"is_closed": True})
    assert response.json()["is_closed"] is True
    response = api_of(member).post(f"/threads/{thread.pk}/replies", {"body": "Late"})
    assert response.status_code == 403
    assert (
        api_of(member).patch(f"/threads/{thread.pk}/moderation", {"is_closed": False}).status_code
        == 403
    )


def test_flag_twice_then_review_hide_and_log(api_of, reply, learner, facilitator, member):
    client = api_of(learner)
    response = client.post(f"/replies/{reply.pk}/flags", {"reason": "spam", "note": "ad"})
    assert response.status_code == 201
    assert (response.json()["reason"], response.json()["status"]) == ("spam", "open")
    again = client.post(f"/replies/{reply.pk}/flags", {"reason": "rude"})
    assert again.status_code == 422
    assert again.json()["code"] == "already_flagged"
    bad = client.post(f"/replies/{reply.pk}/flags", {"reason": "meh"})
    assert bad.status_code == 422
    queue = api_of(facilitator).get(f"/spaces/{reply.thread.space_id}/flags").json()
    assert queue["count"] == 1
    [item] = queue["items"]
    assert (item["post_type"], item["post_id"], item["body"]) == ("reply", reply.pk, "Spam spam")
    assert [(r["reporter_name"], r["reason"], r["note"]) for r in item["reports"]] == [
        ("Leo Learner", "spam", "ad")
    ]
    assert api_of(member).get(f"/spaces/{reply.thread.space_id}/flags").status_code == 403
    hidden = api_of(facilitator).put(f"/replies/{reply.pk}/hidden")
    assert hidden.json()["is_hidden"] is True
    seen = api_of(learner).get(f"/threads/{reply.thread_id}/replies").json()["items"][0]
    assert (seen["is_hidden"], seen["body"], seen["html"]) == (True, "", "")
    own = api_of(member).get(f"/threads/{reply.thread_id}/replies").json()["items"][0]
    assert own["body"] == "Spam spam"
    log = api_of(facilitator).get(f"/spaces/{reply.thread.space_id}/moderation-log").json()
    assert [e["verb"] for e in log["items"]] == ["post.hidden", "flag.raised"]
    assert api_of(member).get(f"/spaces/{reply.thread.space_id}/moderation-log").status_code == 403
    restored = api_of(facilitator).delete(f"/replies/{reply.pk}/hidden")
    assert restored.json()["is_hidden"] is False


def test_dismiss_and_hidden_threads_leak_nothing(api_of, thread, learner, facilitator, space):
    api_of(learner).post(f"/threads/{thread.pk}/flags", {"reason": "off_topic"})
    assert api_of(facilitator).delete(f"/threads/{thread.pk}/flags").status_code == 204
    assert Flag.objects.get().status == "dismissed"
    again = api_of(facilitator).delete(f"/threads/{thread.pk}/flags")
    assert again.status_code == 422
    api_of(facilitator).put(f"/threads/{thread.pk}/hidden")
    seen = api_of(learner).get(f"/threads/{thread.pk}").json()
    assert (seen["is_hidden"], seen["title"], seen["body"], seen["html"]) == (True, "", "", "")
    listed = api_of(learner).get(f"/spaces/{space.pk}/threads").json()["items"][0]
    assert listed["title"] == ""


def test_other_spaces_ids_are_not_found(api_of, reply, facilitator, outsider):
    secret = make_space(creator=facilitator, name="Hush", visibility="secret")
    hidden = actions.start_thread(author=facilitator, space=secret, title="P")
    client = api_of(outsider)
    assert client.post(f"/threads/{hidden.pk}/flags", {"reason": "spam"}).json() == NOT_FOUND
    assert client.get(f"/threads/{hidden.pk}/revisions").json() == NOT_FOUND
    assert client.get(f"/spaces/{secret.pk}/flags").json() == NOT_FOUND
    assert client.put(f"/threads/{hidden.pk}/hidden").json() == NOT_FOUND
    assert client.get("/flags").status_code == 403


def test_org_admin_sees_every_space_flag(api_of, reply, learner, admin_user):
    actions.flag_post(reporter=learner, post=reply, reason="spam")
    items = api_of(admin_user).get("/flags").json()["items"]
    assert [(i["post_type"], i["post_id"]) for i in items] == [("reply", reply.pk)]


def test_blog_list(api_of, space, facilitator, member):
    actions.start_thread(author=facilitator, space=space, title="Week 1", kind=Thread.Kind.BLOG)
    actions.start_thread(author=member, space=space, title="Chat")
    response = api_of(member).get(f"/spaces/{space.pk}/blog")
    assert [t["title"] for t in response.json()["items"]] == ["Week 1"]


def test_bad_input_answers_clearly(api_of, thread, reply, learner, member):
    client = api_of(learner)
    assert client.post(f"/threads/{thread.pk}/replies", {"body": ""}).status_code == 422
    huge = client.post(f"/threads/{thread.pk}/replies", {"body": "x" * 20_001})
    assert huge.status_code == 422
    assert client.post(f"/threads/{thread.pk}/replies", {"body": "x", "stance": "maybe"}).json()[
        "errors"
    ].keys() == {"stance"}
    assert client.post(f"/replies/{reply.pk}/reactions/thanks").status_code == 201
    twice = client.post(f"/replies/{reply.pk}/reactions/thanks")
    assert twice.status_code == 422
    assert client.post(f"/replies/{reply.pk}/flags", {"reason": "spam", "note": "x" * 501}).json()[
        "errors"
    ].keys() == {"note"}
    assert Reply.objects.count() == 1


def test_review_queue_and_log_query_counts_are_flat(
    api_of, space, thread, member, facilitator, assert_flat_query_count
):
    def grow(n: int) -> None:
        for i in range(n):
            reporter = UserFactory()
            add_member(space, reporter)
            post = actions.post_reply(author=member, thread=thread, body=f"R{i}")
            actions.flag_post(reporter=reporter, post=post, reason="spam")
            actions.flag_post(
                reporter=reporter,
                post=actions.start_thread(author=member, space=space, title=f"T{i}"),
                reason="rude",
            )

    grow(2)
    client = api_of(facilitator)
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{space.pk}/flags"), grow=lambda: grow(10), limit=11
    )
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{space.pk}/moderation-log"), grow=lambda: grow(10), limit=8
    )
