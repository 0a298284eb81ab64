"""What keeps the thread page fast: no Markdown when serving, the reply list's
URLs built once per page, posting into a long thread as cheap as into a short one."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import markdown_it
import nh3
from django.urls import reverse

from agora.core.templatetags.agora import ago
from agora.discussions import actions
from agora.discussions.models import Reply, Thread
from agora.discussions.rendering import _Dates, _urls


def _grow(thread: Thread, author, count: int) -> None:
    Reply.objects.bulk_create(
        Reply(thread=thread, author=author, body=f"R{i}", body_html=f"<p>R{i}</p>")
        for i in range(count)
    )


def test_serving_the_thread_page_renders_no_markdown(
    client_of, thread, member, learner, monkeypatch
):
    response = actions.post_reply(author=learner, thread=thread, body="**Bold** answer")
    actions.post_reply(author=member, thread=thread, body="A *comment*", parent=response)

    def refuse(*args, **kwargs):
        raise AssertionError("Markdown rendered or sanitized while serving a page")

    monkeypatch.setattr(markdown_it.MarkdownIt, "render", refuse)
    monkeypatch.setattr(nh3, "clean", refuse)
    html = client_of(learner).get(thread.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong> answer" in html
    assert "A <em>comment</em>" in html


def test_the_reply_list_builds_the_urls_that_reverse_gives(thread):
    urls = _urls(thread.space.slug, thread.pk, "")
    args = [thread.space.slug, thread.pk, 42]
    assert (urls.thread, urls.accept, urls.back) == (
        reverse("thread_detail", args=args[:2]),
        reverse("answer_accept", args=args[:2]),
        reverse("thread_detail", args=args[:2]),
    )
    assert _urls(thread.space.slug, thread.pk, "/spaces/x/lessons/3/").back == (
        "/spaces/x/lessons/3/"
    )
    assert {
        name: getattr(urls, name)(42)
        for name in ("comment", "history", "edit", "delete", "endorse", "flag", "react")
    } == {
        "comment": reverse("comment_create", args=args),
        "history": reverse("reply_history", args=args),
        "edit": reverse("reply_edit", args=args),
        "delete": reverse("reply_delete", args=args),
        "endorse": reverse("reply_endorse", args=args),
        "flag": reverse("reply_flag", args=args),
        "react": reverse("reply_react", args=args),
    }
    assert urls.reactors(42) == reverse("reply_reactors", args=args)
    assert urls.download(42) == reverse("attachment_download", args=args)
    assert urls.moderate(42) == reverse("post_moderate", args=[thread.space.slug, "reply", 42])
    assert urls.person(42) == reverse("person_detail", args=[42])


def test_posting_a_reply_with_htmx_costs_the_same_in_a_long_thread(
    client_of, thread, member, learner, assert_flat_query_count
):
    client = client_of(learner)
    url = reverse("reply_create", args=[thread.space.slug, thread.pk])
    posted = []

    def post():
        response = client.post(url, {"body": "One more"}, HTTP_HX_REQUEST="true")
        posted.append(response)
        return response

    assert_flat_query_count(post, grow=lambda: _grow(thread, member, 300))
    # The fragment is the fresh form and the new reply: the thread's 300
    # replies were not fetched (nor prepared) to answer it.
    newest = Reply.objects.filter(thread=thread).latest("pk")
    html = posted[-1].content.decode()
    assert f'id="reply-{newest.pk}"' in html
    assert html.count('class="response"') == 1
    assert posted[-1].context["responses"] == []


def test_a_refused_htmx_reply_costs_the_same_in_a_long_thread(
    client_of, thread, member, learner, assert_flat_query_count
):
    client = client_of(learner)
    url = reverse("reply_create", args=[thread.space.slug, thread.pk])
    refused = []

    def post():
        refused.append(client.post(url, {"body": ""}, HTTP_HX_REQUEST="true"))
        return refused[-1]

    count = assert_flat_query_count(post, grow=lambda: _grow(thread, member, 300), status=400)
    assert count <= 8
    assert refused[-1].context["responses"] == []
    assert 'id="reply-form"' in refused[-1].content.decode()
    assert Reply.objects.filter(thread=thread, body="").exists() is False


# --- The table of rendered articles: what a reply shows is never stale -----------------


def _article(html: str, reply: Reply) -> str:
    start = html.index(f'id="reply-{reply.pk}"')
    return html[start : html.index("</article>", start)]


def test_a_rendered_article_follows_every_change_of_its_reply(client_of, thread, member, learner):
    reply = actions.post_reply(author=learner, thread=thread, body="First *take*")
    client = client_of(member)

    def article() -> str:
        html = client.get(thread.get_absolute_url()).content.decode()
        assert "<!--agora:" not in html  # every marker was filled in
        return _article(html, reply)

    assert "First <em>take</em>" in article()
    assert '<span class="reaction-count">0</span>' in article()
    actions.react(user=member, reply=reply, kind="helpful")
    assert 'aria-pressed="true" aria-label="Mark helpful (1)"' in article()
    actions.edit_reply(editor=learner, reply=reply, body="Second take")
    assert "Second take" in article()
    assert "First" not in article()
    learner.name = "Leona Learner"
    learner.save()
    assert "Leona Learner" in article()
    assert "Leo Learner" not in article()


def test_a_rendered_article_shows_each_viewer_their_own_rights(client_of, thread, member, learner):
    reply = actions.post_reply(author=learner, thread=thread, body="Mine")
    edit = reverse("reply_edit", args=[thread.space.slug, thread.pk, reply.pk])
    react = reverse("reply_react", args=[thread.space.slug, thread.pk, reply.pk])
    for _time in range(2):  # the second time from the table
        as_author = _article(
            client_of(learner).get(thread.get_absolute_url()).content.decode(), reply
        )
        as_member = _article(
            client_of(member).get(thread.get_absolute_url()).content.decode(), reply
        )
        assert (edit in as_author, react in as_author) == (True, False)
        assert (edit in as_member, react in as_member) == (False, True)


def test_a_rendered_article_carries_the_viewers_own_csrf_token(client_of, thread, member, learner):
    reply = actions.post_reply(author=learner, thread=thread, body="Vote")
    client_of(learner).get(thread.get_absolute_url())  # renders the article first
    client = client_of(member)
    client.handler.enforce_csrf_checks = True
    html = client.get(thread.get_absolute_url()).content.decode()
    token = re.search(
        rf'id="reactions-{reply.pk}".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    ).group(1)
    url = reverse("reply_react", args=[thread.space.slug, thread.pk, reply.pk])
    response = client.post(url, {"add": "thanks", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.thanks_count == 1


def test_the_page_says_ago_as_the_ago_filter_does():
    dates = _Dates()
    ages = [0, 1, 59, 60, 61, 3599, 3600, 86399, 86400, 6 * 86400 + 86399, 7 * 86400]
    ages += [28 * 86400 - 1, 28 * 86400, 29 * 86400, 400 * 86400]
    ages += list(range(0, 30 * 86400, 2231))  # every 37 minutes and 11 seconds
    said = {
        age: dates.ago_of(SimpleNamespace(created_at=dates.now - timedelta(seconds=age)))
        for age in ages
    }
    # What agora's |ago filter says, with the page's clock.
    expected = {age: ago(dates.now - timedelta(seconds=age), dates.now) for age in ages}
    assert said == expected
    # timesince keeps number and unit together with a no-break space.
    assert [said[age].replace("\xa0", " ") for age in (0, 59, 60, 3600, 7 * 86400)] == [
        "just now",
        "just now",
        "1 minute ago",
        "1 hour ago",
        "1 week ago",
    ]


def test_reply_rows_show_their_authors_photo_initials_and_endorser(
    client_of, thread, member, learner, facilitator
):
    from agora.accounts.actions import set_profile_photo
    from tests.accounts.test_actions import png_upload

    profile = set_profile_photo(editor=learner, person=learner, upload=png_upload())
    with_photo = actions.post_reply(author=learner, thread=thread, body="With a photo")
    without = actions.post_reply(author=member, thread=thread, body="Without one")
    actions.endorse_reply(actor=facilitator, reply=without)
    html = client_of(member).get(thread.get_absolute_url()).content.decode()
    photo = re.search(
        rf'id="reply-{with_photo.pk}".*?<img class="avatar avatar-sm" src="([^"]+)"', html, re.S
    )
    assert photo is not None
    assert photo.group(1) == profile.photo.url
    initials = re.search(rf'id="reply-{without.pk}".*?avatar-initials[^>]*>([^<]+)<', html, re.S)
    assert initials is not None
    assert initials.group(1) == member.initials
    assert f"Endorsed by {facilitator.name}" in html
