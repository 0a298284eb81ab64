"""Edit history, closing threads, unread markers, Markdown preview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agora.discussions import actions
from agora.discussions.models import MAX_BODY, Reply, Revision, Thread, ThreadVisit
from tests.events import events_since, last_event_id
from tests.factories import make_space
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def prompt(space, facilitator):
    return actions.start_thread(
        author=facilitator, space=space, title="Mean?", body="Argue.", kind=Thread.Kind.PROMPT
    )


# --- Revisions -----------------------------------------------------------------------


def test_editing_a_thread_keeps_the_previous_version(thread, member):
    created = thread.created_at
    actions.edit_thread(editor=member, thread=thread, title="Charts!", body="Bars or *pies*?")
    actions.edit_thread(editor=member, thread=thread, title="Charts", body="Pies.")
    thread.refresh_from_db()
    rows = list(
        Revision.objects.filter(thread=thread).values_list(
            "title", "body", "body_html", "editor", "written_at"
        )
    )
    assert rows[1] == ("Charts", "Bars?", "<p>Bars?</p>\n", member.pk, created)
    assert rows[0][:4] == (
        "Charts!",
        "Bars or *pies*?",
        "<p>Bars or <em>pies</em>?</p>\n",
        member.pk,
    )
    assert rows[0][4] > created
    assert thread.body == "Pies."


def test_editing_a_reply_keeps_body_and_stance(prompt, member):
    reply = actions.post_reply(author=member, thread=prompt, body="Yes", stance="agree")
    actions.edit_reply(editor=member, reply=reply, body="No", stance="disagree")
    assert list(Revision.objects.values_list("reply", "body", "stance", "title")) == [
        (reply.pk, "Yes", "agree", "")
    ]


def test_a_refused_edit_saves_no_revision(thread, learner):
    with pytest.raises(PermissionDenied):
        actions.edit_thread(editor=learner, thread=thread, title="Mine", body="")
    assert Revision.objects.exists() is False


def test_history_page_lists_versions_newest_first(client_of, prompt, member, learner):
    reply = actions.post_reply(author=member, thread=prompt, body="First **draft**")
    actions.edit_reply(editor=member, reply=reply, body="Second draft")
    actions.edit_reply(editor=member, reply=reply, body="Final")
    page = client_of(learner).get(f"{prompt.get_absolute_url()}")
    assert f'href="/spaces/data-club/threads/{prompt.pk}/replies/{reply.pk}/history/"' in (
        page.content.decode()
    )
    response = client_of(learner).get(
        f"/spaces/data-club/threads/{prompt.pk}/replies/{reply.pk}/history/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Final" in text_of(html, "current-version")
    assert [r.body for r in response.context["page"]] == ["Second draft", "First **draft**"]
    assert (
        "<strong>draft</strong>" in text_of(html, "revisions") or "<strong>draft</strong>" in html
    )
    assert "replaced by Mia Member" in text_of(html, "revisions")


def test_history_paginates(client_of, thread, member):
    for n in range(25):
        actions.edit_thread(editor=member, thread=thread, title="Charts", body=f"v{n}")
    response = client_of(member).get(f"{thread.get_absolute_url()}history/?page=2")
    assert [r.body for r in response.context["page"]] == ["v3", "v2", "v1", "v0", "Bars?"]


def test_history_of_a_deleted_or_hidden_post_is_not_found(
    client_of, thread, member, learner, facilitator
):
    reply = actions.post_reply(author=member, thread=thread, body="Oops")
    actions.edit_reply(editor=member, reply=reply, body="Oops!")
    actions.hide_post(actor=facilitator, post=reply)
    url = f"{thread.get_absolute_url()}replies/{reply.pk}/history/"
    assert client_of(learner).get(url).status_code == 404
    assert client_of(member).get(url).status_code == 200
    actions.delete_reply(actor=member, reply=reply)
    assert client_of(member).get(url).status_code == 404


def test_history_of_another_threads_reply_is_not_found(client_of, thread, prompt, member):
    reply = actions.post_reply(author=member, thread=prompt, body="Here")
    response = client_of(member).get(f"{thread.get_absolute_url()}replies/{reply.pk}/history/")
    assert response.status_code == 404


def test_history_is_not_shown_to_outsiders_of_a_private_space(client_of, facilitator, outsider):
    private = make_space(creator=facilitator, name="Hush", visibility="private")
    thread = actions.start_thread(author=facilitator, space=private, title="Plans")
    response = client_of(outsider).get(f"{thread.get_absolute_url()}history/")
    assert response.status_code == 404


def test_edit_views_share_the_error_path_and_keep_the_text(client_of, thread, prompt, member):
    response = client_of(member).post(
        f"{thread.get_absolute_url()}edit/", {"title": "", "body": "Kept words"}
    )
    assert response.status_code == 400
    assert "Kept words" in response.content.decode()
    reply = actions.post_reply(author=member, thread=prompt, body="Yes")
    response = client_of(member).post(
        f"{prompt.get_absolute_url()}replies/{reply.pk}/edit/", {"body": "   ", "stance": "maybe"}
    )
    assert response.status_code == 400
    assert Revision.objects.exists() is False


def test_history_query_count_is_flat(client_of, thread, member, assert_flat_query_count):
    def grow(n: int) -> None:
        for i in range(n):
            actions.edit_thread(editor=member, thread=thread, title="Charts", body=f"v{i}")

    grow(2)
    client = client_of(member)
    assert_flat_query_count(
        lambda: client.get(f"{thread.get_absolute_url()}history/"), grow=lambda: grow(20), limit=8
    )


# --- Close ---------------------------------------------------------------------------


def test_closed_thread_refuses_replies_even_from_facilitators(thread, facilitator, member):
    before = last_event_id()
    actions.moderate_thread(actor=facilitator, thread=thread, is_closed=True)
    [event] = events_since(before)
    assert (event[0], event[5]["is_closed"]) == ("thread.moderated", True)
    for person in (facilitator, member):
        with pytest.raises(PermissionDenied):
            actions.post_reply(author=person, thread=thread, body="Late")
    assert Reply.objects.exists() is False


def test_members_cannot_close(thread, member):
    with pytest.raises(PermissionDenied):
        actions.moderate_thread(actor=member, thread=thread, is_closed=True)
    thread.refresh_from_db()
    assert thread.is_closed is False


def test_close_and_reopen_on_the_page(client_of, thread, facilitator, member):
    client = client_of(facilitator)
    assert client.post(f"{thread.get_absolute_url()}moderate/", {"close": "1"}).status_code == 302
    html = client_of(member).get(thread.get_absolute_url()).content.decode()
    assert text_of(html, "closed-notice") == "This thread is closed: nobody can reply any more."
    assert 'id="reply-form"' not in html
    listing = client_of(member).get("/spaces/data-club/threads/").content.decode()
    assert "Closed" in listing
    response = client_of(member).post(f"{thread.get_absolute_url()}replies/", {"body": "Let me in"})
    assert response.status_code == 403
    assert "Let me in" in response.content.decode()
    assert client.post(f"{thread.get_absolute_url()}moderate/", {"close": "0"}).status_code == 302
    thread.refresh_from_db()
    assert thread.is_closed is False
    assert client.post(f"{thread.get_absolute_url()}moderate/", {"close": "x"}).status_code == 400


# --- Unread markers ------------------------------------------------------------------


def test_opening_a_thread_records_the_visit(client_of, thread, learner):
    client_of(learner).get(thread.get_absolute_url())
    first = ThreadVisit.objects.get(user=learner, thread=thread).seen_at
    client_of(learner).get(thread.get_absolute_url())
    visits = list(ThreadVisit.objects.filter(user=learner).values_list("seen_at", flat=True))
    assert len(visits) == 1
    assert visits[0] >= first


def test_replies_since_the_last_visit_are_marked_new(client_of, thread, member, learner):
    old = actions.post_reply(author=member, thread=thread, body="Old")
    client = client_of(learner)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "new-notice" not in html  # a first visit marks nothing
    ThreadVisit.objects.filter(user=learner).update(seen_at=timezone.now() - timedelta(hours=1))
    Reply.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    first = actions.post_reply(author=member, thread=thread, body="New one")
    actions.post_reply(author=member, thread=thread, body="Another", parent=first)
    actions.post_reply(author=learner, thread=thread, body="Mine is not new to me")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert text_of(html, "new-notice") == (
        "2 new replies since your last visit · Go to the first new one"
    )
    assert f'href="#reply-{first.pk}"' in html
    assert "New" in text_of(html, f"reply-{first.pk}")
    assert "New" not in text_of(html, f"reply-{old.pk}")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "new-notice" not in html


def test_deleted_and_hidden_replies_are_not_counted_new(
    client_of, thread, member, learner, facilitator
):
    client = client_of(learner)
    client.get(thread.get_absolute_url())
    ThreadVisit.objects.filter(user=learner).update(seen_at=timezone.now() - timedelta(hours=1))
    gone = actions.post_reply(author=member, thread=thread, body="Gone")
    actions.delete_reply(actor=member, reply=gone)
    hidden = actions.post_reply(author=member, thread=thread, body="Hidden")
    actions.hide_post(actor=facilitator, post=hidden)
    actions.post_reply(author=member, thread=thread, body="Fresh")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert text_of(html, "new-notice") == (
        "1 new reply since your last visit · Go to the first new one"
    )


def test_thread_list_marks_unread_threads(client_of, space, member, learner):
    seen = actions.start_thread(author=member, space=space, title="Seen")
    never = actions.start_thread(author=member, space=space, title="Never opened")
    active = actions.start_thread(author=member, space=space, title="Active")
    client = client_of(learner)
    client.get(seen.get_absolute_url())
    client.get(active.get_absolute_url())
    ThreadVisit.objects.filter(thread=active).update(seen_at=timezone.now() - timedelta(hours=1))
    response = client.get("/spaces/data-club/threads/")
    flags = {thread.title: thread.is_unread for thread in response.context["page"]}
    assert flags == {"Seen": False, "Never opened": True, "Active": True}
    html = response.content.decode()
    assert "Unread" in text_of(html, "thread-results")
    assert ">New<" in html
    assert never.pk in [thread.pk for thread in response.context["page"]]


def test_thread_page_stays_at_seven_queries_with_visits_and_files(
    client_of, thread, member, learner, assert_flat_query_count
):
    actions.post_reply(author=member, thread=thread, body="First")
    client = client_of(learner)
    client.get(thread.get_absolute_url())  # a previous visit exists

    def grow() -> None:
        Reply.objects.bulk_create(
            Reply(thread=thread, author=member, body=f"R{i}", body_html=f"<p>R{i}</p>")
            for i in range(200)
        )

    count = assert_flat_query_count(lambda: client.get(thread.get_absolute_url()), grow=grow)
    # Session, user (with their profile), thread, replies, reactions, files, the visit.
    assert count == 7


# --- Preview -------------------------------------------------------------------------


def test_preview_endpoint_renders_and_sanitizes(client_of, member):
    response = client_of(member).post(
        "/discussions/preview/", {"body": "**Hi** <script>alert(1)</script>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Hi</strong>" in html
    assert "<script>" not in html


def test_preview_needs_login_post_and_a_sane_size(client, client_of, member):
    assert client.post("/discussions/preview/", {"body": "x"}).status_code == 302
    assert client_of(member).get("/discussions/preview/").status_code == 405
    response = client_of(member).post("/discussions/preview/", {"body": "x" * (MAX_BODY + 1)})
    assert response.status_code == 400
    assert "Keep it under 20000 characters." in response.content.decode()


def test_preview_without_javascript_posts_nothing_and_keeps_the_text(
    client_of, thread, space, member
):
    client = client_of(member)
    response = client.post(
        f"{thread.get_absolute_url()}replies/", {"body": "A *draft*", "preview": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<em>draft</em>" in text_of(html, "reply-preview") or "<em>draft</em>" in html
    assert "A *draft*" in html
    assert Reply.objects.exists() is False
    response = client.post(
        "/spaces/data-club/threads/new/",
        {"kind": "discussion", "title": "Idea", "body": "# Big", "preview": "1"},
    )
    assert response.status_code == 200
    assert "<h1>Big</h1>" in response.content.decode()
    assert Thread.objects.count() == 1
    response = client.post(
        f"{thread.get_absolute_url()}edit/", {"title": "Charts", "body": "_new_", "preview": "1"}
    )
    assert "<em>new</em>" in response.content.decode()
    thread.refresh_from_db()
    assert thread.body == "Bars?"
