"""Discussion pages: thread list, new thread, thread page, and every form that posts."""

from __future__ import annotations

import pytest

from agora.discussions.actions import (
    accept_answer,
    delete_reply,
    endorse_reply,
    moderate_thread,
    post_reply,
    react,
    start_thread,
)
from agora.discussions.models import Reaction, Reply, Thread
from agora.spaces.models import Membership, Space
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member, make_space
from tests.pages import field_error, text_of

pytestmark = pytest.mark.django_db

PROMPT, QUESTION, DISCUSSION = Thread.Kind.PROMPT, Thread.Kind.QUESTION, Thread.Kind.DISCUSSION


def html_of(response) -> str:
    return response.content.decode()


def titles(page) -> list[str]:
    return [thread.title for thread in page]


@pytest.fixture
def learner(space) -> object:
    """A second member of the space, to answer and react."""
    person = UserFactory(name="Leo Learner")
    add_member(space, person)
    return person


@pytest.fixture
def prompt(space, facilitator) -> Thread:
    return start_thread(
        author=facilitator,
        space=space,
        title="Is a mean enough?",
        body="Say *why*.",
        kind=PROMPT,
    )


@pytest.fixture
def question(space, member) -> Thread:
    return start_thread(author=member, space=space, title="How do I join tables?", kind=QUESTION)


def url(thread: Thread, rest: str = "") -> str:
    return thread.get_absolute_url() + rest


# --- Thread list -----------------------------------------------------------------------


def test_thread_list_shows_pinned_first_and_a_new_thread_button(
    client_of, space, member, facilitator
):
    old = start_thread(author=member, space=space, title="Old news")
    start_thread(author=member, space=space, title="Fresh talk")
    moderate_thread(actor=facilitator, thread=old, is_pinned=True)

    response = client_of(member).get("/spaces/data-club/threads/")

    assert response.status_code == 200
    assert titles(response.context["page"]) == ["Old news", "Fresh talk"]
    html = html_of(response)
    assert (
        '<a class="button button-primary" href="/spaces/data-club/threads/new/">New thread</a>'
        in html
    )
    assert '<span class="badge badge-ok">Pinned</span>' in html
    assert "2 threads" in html


def test_thread_list_filters_by_kind_and_unanswered(
    client_of, space, member, facilitator, question
):
    start_thread(author=member, space=space, title="Chat")
    answered = start_thread(author=member, space=space, title="Answered one", kind=QUESTION)
    reply = post_reply(author=facilitator, thread=answered, body="Use JOIN.")
    accept_answer(actor=member, thread=answered, reply=reply)
    client = client_of(member)

    by_kind = client.get("/spaces/data-club/threads/?kind=question")
    unanswered = client.get("/spaces/data-club/threads/?unanswered=on")
    bad_kind = client.get("/spaces/data-club/threads/?kind=poem")

    assert titles(by_kind.context["page"]) == ["Answered one", "How do I join tables?"]
    assert titles(unanswered.context["page"]) == ["How do I join tables?"]
    assert bad_kind.status_code == 200
    assert titles(bad_kind.context["page"]) == ["Answered one", "Chat", "How do I join tables?"]


def test_thread_list_paginates_by_25(client_of, space, member):
    for n in range(27):
        start_thread(author=member, space=space, title=f"Thread {n:02d}")
    client = client_of(member)

    first = client.get("/spaces/data-club/threads/")
    second = client.get("/spaces/data-club/threads/?page=2")

    assert len(first.context["page"]) == 25
    assert titles(second.context["page"]) == ["Thread 01", "Thread 00"]
    assert 'href="?page=2"' in html_of(first)


def test_thread_list_htmx_gets_only_the_results(client_of, space, member, question):
    response = client_of(member).get(
        "/spaces/data-club/threads/?kind=question", HTTP_HX_REQUEST="true"
    )
    html = html_of(response)
    assert html.lstrip().startswith('<div id="thread-results">')
    assert "How do I join tables?" in html


def test_thread_list_of_a_private_space_is_refused_to_outsiders(client_of, facilitator, outsider):
    make_space(creator=facilitator, name="Lab", visibility=Space.Visibility.PRIVATE)
    assert client_of(outsider).get("/spaces/lab/threads/").status_code == 403


def test_thread_list_has_no_new_thread_button_for_a_non_member(client_of, space, outsider):
    response = client_of(outsider).get("/spaces/data-club/threads/")
    assert response.status_code == 200
    assert "New thread" not in html_of(response)


def test_space_home_links_to_its_discussions(client_of, space, member):
    html = html_of(client_of(member).get("/spaces/data-club/"))
    assert '<a class="button" href="/spaces/data-club/threads/">Discussions</a>' in html


def test_thread_list_query_count_is_flat(client_of, space, member, assert_flat_query_count):
    for n in range(3):
        start_thread(author=member, space=space, title=f"Small {n}")

    def grow() -> None:
        for n in range(27):
            author = UserFactory()
            add_member(space, author)
            start_thread(author=author, space=space, title=f"Big {n}", kind=QUESTION)

    client = client_of(member)
    # Two queries more than the list itself: whether the viewer follows the space (its
    # button), and the skills of the space's threads (the filter's choices).
    assert_flat_query_count(lambda: client.get("/spaces/data-club/threads/"), grow=grow, limit=8)


# --- New thread ------------------------------------------------------------------------


def kinds_offered(response) -> list[str]:
    return [value for value, _label in response.context["form"]["kind"].field.choices]


def test_new_thread_offers_the_kinds_the_role_allows(client_of, space, member, facilitator):
    as_member = client_of(member).get("/spaces/data-club/threads/new/")
    as_facilitator = client_of(facilitator).get("/spaces/data-club/threads/new/")

    assert kinds_offered(as_member) == ["discussion", "question", "show_and_tell"]
    assert "post_first" not in as_member.context["form"].fields
    assert kinds_offered(as_facilitator) == [
        "discussion",
        "question",
        "prompt",
        "blog",
        "announcement",
        "show_and_tell",
    ]
    assert 'name="post_first"' in html_of(as_facilitator)


def test_new_thread_posts_and_redirects(client_of, space, facilitator):
    response = client_of(facilitator).post(
        "/spaces/data-club/threads/new/",
        {"kind": "prompt", "title": "  Mean or  median? ", "body": "**Why?**", "post_first": "on"},
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/spaces/data-club/threads/{thread.pk}/"
    assert (thread.kind, thread.title, thread.body_html, thread.post_first) == (
        PROMPT,
        "Mean or median?",
        "<p><strong>Why?</strong></p>\n",
        True,
    )


def test_new_thread_without_title_keeps_the_text(client_of, space, member):
    response = client_of(member).post(
        "/spaces/data-club/threads/new/", {"kind": "discussion", "title": "", "body": "My draft"}
    )

    assert response.status_code == 400
    html = html_of(response)
    assert field_error(html, "id_title") == "This field is required."
    assert ">\nMy draft</textarea>" in html
    assert Thread.objects.exists() is False


def test_new_thread_with_a_huge_body_is_refused(client_of, space, member):
    body = "x" * 20_001
    response = client_of(member).post(
        "/spaces/data-club/threads/new/", {"kind": "discussion", "title": "Long", "body": body}
    )

    assert response.status_code == 400
    assert field_error(html_of(response), "id_body") == (
        "Ensure this value has at most 20000 characters (it has 20001)."
    )
    assert body in html_of(response)
    assert Thread.objects.exists() is False


def test_new_thread_of_a_kind_reserved_to_facilitators_is_refused(client_of, space, member):
    response = client_of(member).post(
        "/spaces/data-club/threads/new/", {"kind": "announcement", "title": "Hear ye"}
    )
    assert response.status_code == 400
    assert field_error(html_of(response), "id_kind") == (
        "Select a valid choice. announcement is not one of the available choices."
    )
    assert Thread.objects.exists() is False


def test_new_thread_is_refused_to_non_members(client_of, space, outsider):
    response = client_of(outsider).post(
        "/spaces/data-club/threads/new/", {"kind": "discussion", "title": "Hi"}
    )
    assert response.status_code == 403
    assert Thread.objects.exists() is False


# --- The thread page -------------------------------------------------------------------


@pytest.fixture
def lively(prompt, member, learner, facilitator) -> dict[str, Reply]:
    """A prompt with two responses, a comment, a reaction and an endorsement."""
    agree = post_reply(author=member, thread=prompt, body="Yes, *mostly*.", stance="agree")
    other = post_reply(author=learner, thread=prompt, body="Use the median.", stance="alternative")
    comment = post_reply(
        author=learner, thread=prompt, body="Not with outliers.", stance="disagree", parent=agree
    )
    react(user=learner, reply=agree, kind=Reaction.Kind.HELPFUL)
    endorse_reply(actor=facilitator, reply=agree)
    return {"agree": agree, "other": other, "comment": comment}


def test_thread_page_shows_body_stance_summary_and_replies(client_of, prompt, lively, learner):
    response = client_of(learner).get(prompt.get_absolute_url())

    assert response.status_code == 200
    html = html_of(response)
    assert "<p>Say <em>why</em>.</p>" in html
    assert text_of(html, "stance-summary") == "1 agree · 1 disagree · 1 alternative view"
    assert text_of(html, "replies-heading") == "3 replies"
    agree = text_of(html, f"reply-{lively['agree'].pk}")
    assert "Mia Member" in agree
    assert "Yes, mostly." in agree
    assert "Agree" in agree
    assert "Endorsed by Fay Facilitator" in agree
    assert "Not with outliers." in agree  # the comment sits under its response
    assert text_of(html, f"reply-{lively['comment'].pk}").startswith("LL Leo Learner")
    assert [item.reply.pk for item in response.context["responses"]] == [
        lively["agree"].pk,
        lively["other"].pk,
    ]


def test_reaction_buttons_are_toggles_with_counts(client_of, prompt, lively, learner, member):
    html = html_of(client_of(learner).get(prompt.get_absolute_url()))

    assert (
        '<button type="submit" class="reaction" name="remove" value="helpful" aria-pressed="true" '
        'aria-label="Mark helpful (1)">Helpful <span class="reaction-count">1</span></button>'
    ) in html
    assert 'aria-pressed="false" aria-label="Mark insightful (0)"' in html
    # Authors do not react to themselves: they see the count only.
    own = text_of(
        html_of(client_of(member).get(prompt.get_absolute_url())), f"reactions-{lively['agree'].pk}"
    )
    assert own == "Helpful 1 Who reacted"


def test_thread_page_filters_by_stance_and_sorts(client_of, prompt, lively, learner):
    client = client_of(learner)

    alternative = client.get(prompt.get_absolute_url() + "?stance=alternative")
    newest = client.get(prompt.get_absolute_url() + "?order=newest")
    helpful = client.get(prompt.get_absolute_url() + "?order=helpful")
    nonsense = client.get(prompt.get_absolute_url() + "?order=loudest&stance=angry")

    def ids(response) -> list[int]:
        return [item.reply.pk for item in response.context["responses"]]

    assert ids(alternative) == [lively["other"].pk]
    assert ids(newest) == [lively["other"].pk, lively["agree"].pk]
    assert ids(helpful) == [lively["agree"].pk, lively["other"].pk]
    assert nonsense.status_code == 200
    assert ids(nonsense) == [lively["agree"].pk, lively["other"].pk]


def test_thread_page_htmx_filter_gets_the_responses_only(client_of, prompt, lively, learner):
    response = client_of(learner).get(
        prompt.get_absolute_url() + "?stance=alternative", HTTP_HX_REQUEST="true"
    )
    html = html_of(response)
    assert html.lstrip().startswith('<div id="responses-box">')
    assert "Use the median." in html
    assert "Yes, mostly." not in html


def test_deleted_reply_leaves_a_tombstone_and_its_comments(
    client_of, prompt, lively, member, learner
):
    delete_reply(actor=member, reply=lively["agree"])

    html = html_of(client_of(learner).get(prompt.get_absolute_url()))

    assert text_of(html, f"reply-{lively['agree'].pk}").startswith("This reply was deleted.")
    assert "Yes, mostly." not in html
    assert "Not with outliers." in html


def test_post_first_prompt_hides_replies_until_the_learner_posts(
    client_of, space, facilitator, member, learner
):
    prompt = start_thread(
        author=facilitator, space=space, title="First thoughts", kind=PROMPT, post_first=True
    )
    post_reply(author=member, thread=prompt, body="Secret answer by Mia", stance="agree")
    client = client_of(learner)

    before = html_of(client.get(prompt.get_absolute_url()))
    client.post(url(prompt, "replies/"), {"body": "Leo's answer", "stance": "disagree"})
    after = html_of(client.get(prompt.get_absolute_url()))
    facilitator_view = html_of(client_of(facilitator).get(prompt.get_absolute_url()))

    assert text_of(before, "post-first-notice") == (
        "Post your answer to see your classmates' replies."
    )
    assert "Secret answer by Mia" not in before
    assert 'id="reply-form"' in before
    assert "Secret answer by Mia" in after
    assert "post-first-notice" not in after
    assert "Secret answer by Mia" in facilitator_view


def test_hidden_replies_cannot_be_reacted_to_or_commented(
    client_of, space, facilitator, member, learner
):
    prompt = start_thread(
        author=facilitator, space=space, title="First thoughts", kind=PROMPT, post_first=True
    )
    hidden = post_reply(author=member, thread=prompt, body="Mine", stance="agree")
    client = client_of(learner)

    reacted = client.post(url(prompt, f"replies/{hidden.pk}/react/"), {"add": "helpful"})
    commented = client.post(url(prompt, f"replies/{hidden.pk}/comments/"), {"body": "Peek"})

    assert (reacted.status_code, commented.status_code) == (404, 404)
    assert Reaction.objects.exists() is False
    assert Reply.objects.count() == 1


def test_locked_thread_says_so_and_has_no_reply_form(client_of, prompt, facilitator, member):
    moderate_thread(actor=facilitator, thread=prompt, is_locked=True)

    html = html_of(client_of(member).get(prompt.get_absolute_url()))

    assert text_of(html, "locked-notice") == "This thread is locked: no new replies."
    assert 'id="reply-form"' not in html


def test_thread_of_another_space_is_not_found(client_of, facilitator, member, prompt):
    make_space(creator=facilitator, name="Other Room", members=(member,))
    client = client_of(member)

    assert client.get(f"/spaces/other-room/threads/{prompt.pk}/").status_code == 404
    assert client.get("/spaces/data-club/threads/999999/").status_code == 404


def test_thread_of_a_private_space_is_not_found_for_outsiders(client_of, facilitator, outsider):
    lab = make_space(creator=facilitator, name="Lab", visibility=Space.Visibility.PRIVATE)
    thread = start_thread(author=facilitator, space=lab, title="Secret plans")

    response = client_of(outsider).get(thread.get_absolute_url())

    assert response.status_code == 404
    assert "Secret plans" not in html_of(response)


def test_bodies_are_sanitized(client_of, space, member, learner):
    thread = start_thread(
        author=member,
        space=space,
        title="<script>alert('title')</script>",
        body="<script>alert('body')</script> [x](javascript:alert(1))",
    )
    post_reply(author=learner, thread=thread, body="<img src=x onerror=alert(2)> hi")

    html = html_of(client_of(member).get(thread.get_absolute_url()))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert "onerror" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")


def test_anonymous_visitors_are_sent_to_sign_in(client, prompt):
    response = client.get(prompt.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_thread_page_query_count_is_flat(
    client_of, prompt, member, learner, assert_flat_query_count
):
    def add(n: int) -> None:
        for i in range(n):
            response = post_reply(
                author=(member, learner)[i % 2], thread=prompt, body=f"Reply {i}", stance="agree"
            )
            if i % 3 == 0:
                post_reply(author=member, thread=prompt, body="A comment", parent=response)
            if i % 4 == 0:
                react(user=(learner, member)[i % 2], reply=response, kind=Reaction.Kind.THANKS)

    add(10)
    client = client_of(learner)
    assert_flat_query_count(
        lambda: client.get(prompt.get_absolute_url()), grow=lambda: add(190), limit=8
    )


def test_post_first_thread_page_query_count_is_flat(
    client_of, space, facilitator, member, learner, assert_flat_query_count
):
    prompt = start_thread(
        author=facilitator, space=space, title="First", kind=PROMPT, post_first=True
    )
    post_reply(author=learner, thread=prompt, body="Mine", stance="agree")

    def grow() -> None:
        for i in range(30):
            post_reply(author=member, thread=prompt, body=f"Reply {i}", stance="disagree")

    client = client_of(learner)
    assert_flat_query_count(lambda: client.get(prompt.get_absolute_url()), grow=grow, limit=8)


# --- Replying and commenting -----------------------------------------------------------


def test_reply_posts_and_redirects_to_it(client_of, prompt, member):
    event = last_event_id()
    response = client_of(member).post(
        url(prompt, "replies/"), {"body": "I agree", "stance": "agree"}
    )

    reply = Reply.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{prompt.get_absolute_url()}#reply-{reply.pk}"
    assert (reply.author, reply.body, reply.stance, reply.parent) == (
        member,
        "I agree",
        "agree",
        None,
    )
    assert [verb for verb, *_rest in events_since(event)] == ["reply.posted"]


def test_reply_with_htmx_returns_the_reply_and_a_fresh_form(client_of, prompt, member):
    response = client_of(member).post(
        url(prompt, "replies/"), {"body": "Quick one", "stance": "agree"}, HTTP_HX_REQUEST="true"
    )

    reply = Reply.objects.get()
    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<form method="post" action="')
    assert '<div hx-swap-oob="beforeend:#responses"><li class="response" id="reply-' in html
    assert "<p>Quick one</p>" in html
    assert f'id="reply-{reply.pk}"' in html
    assert text_of(html, "stance-summary") == "1 agree"
    assert "<html" not in html


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"body": "", "stance": "agree"}, "id_body", "This field is required."),
        (
            {"body": "y" * 20_001, "stance": ""},
            "id_body",
            "Ensure this value has at most 20000 characters (it has 20001).",
        ),
        (
            {"body": "Kept text", "stance": "furious"},
            "id_stance",
            "Select a valid choice. furious is not one of the available choices.",
        ),
        ({"body": "nul\x00byte", "stance": ""}, "id_body", "Null characters are not allowed."),
    ],
)
def test_bad_reply_is_refused_and_keeps_the_text(client_of, prompt, member, data, field, error):
    response = client_of(member).post(url(prompt, "replies/"), data)

    assert response.status_code == 400
    html = html_of(response)
    assert field_error(html, field) == error
    assert f">\n{data['body']}</textarea>" in html
    assert Reply.objects.exists() is False


def test_bad_reply_with_htmx_returns_the_form_with_errors(client_of, prompt, member):
    response = client_of(member).post(
        url(prompt, "replies/"), {"body": "   ", "stance": ""}, HTTP_HX_REQUEST="true"
    )
    html = html_of(response)
    assert response.status_code == 400
    assert html.lstrip().startswith('<form method="post"')
    assert field_error(html, "id_body") == "This field is required."


def test_stance_on_a_plain_discussion_response_is_ignored(client_of, space, member, learner):
    thread = start_thread(author=member, space=space, title="Chat")
    html = html_of(client_of(learner).get(thread.get_absolute_url()))
    assert 'name="stance" id="id_stance"' not in html

    client_of(learner).post(url(thread, "replies/"), {"body": "Hi", "stance": "agree"})
    assert Reply.objects.get().stance == ""


def test_reply_in_a_locked_thread_is_refused_and_keeps_the_text(
    client_of, prompt, facilitator, member
):
    moderate_thread(actor=facilitator, thread=prompt, is_locked=True)

    response = client_of(member).post(url(prompt, "replies/"), {"body": "Let me in", "stance": ""})

    assert response.status_code == 403
    html = html_of(response)
    assert ">\nLet me in</textarea>" in html
    assert "You cannot reply here: the thread is locked or closed, or you are not a member." in html
    assert Reply.objects.exists() is False


def test_facilitators_reply_in_locked_threads(client_of, prompt, facilitator):
    moderate_thread(actor=facilitator, thread=prompt, is_locked=True)
    response = client_of(facilitator).post(url(prompt, "replies/"), {"body": "Closing note"})
    assert response.status_code == 302
    assert Reply.objects.get().body == "Closing note"


def test_member_of_another_space_cannot_reply(client_of, facilitator, prompt):
    stranger = UserFactory()
    make_space(creator=facilitator, name="Other Room", members=(stranger,))

    response = client_of(stranger).post(url(prompt, "replies/"), {"body": "Hello"})

    assert response.status_code == 403
    assert Reply.objects.exists() is False


def test_comment_posts_under_its_response(client_of, prompt, lively, member):
    response = client_of(member).post(
        url(prompt, f"replies/{lively['other'].pk}/comments/"), {"body": "Fair", "stance": "agree"}
    )

    comment = Reply.objects.latest("pk")
    assert response.status_code == 302
    assert (comment.parent, comment.stance, comment.body) == (lively["other"], "agree", "Fair")


def test_comment_with_htmx_is_appended_to_its_response(client_of, prompt, lively, member):
    parent = lively["other"]
    response = client_of(member).post(
        url(prompt, f"replies/{parent.pk}/comments/"), {"body": "Fair"}, HTTP_HX_REQUEST="true"
    )
    html = html_of(response)
    assert response.status_code == 200
    comments_url = f"{url(prompt)}replies/{parent.pk}/comments/"
    assert html.lstrip().startswith(
        f'<a class="button button-subtle comment-link" id="comment-link-{parent.pk}" '
        f'href="{comments_url}" hx-get="{comments_url}"'
    )
    assert f'<div hx-swap-oob="beforeend:#comments-{parent.pk}"><li class="comment"' in html
    assert "<p>Fair</p>" in html


def test_comment_form_is_a_page_and_an_htmx_fragment(client_of, prompt, lively, member):
    parent = lively["other"]
    client = client_of(member)
    comments_url = url(prompt, f"replies/{parent.pk}/comments/")

    page = client.get(comments_url)
    fragment = client.get(comments_url, HTTP_HX_REQUEST="true")

    assert page.status_code == fragment.status_code == 200
    assert "<p>Use the median.</p>" in html_of(page)
    assert f'<label for="id_c{parent.pk}_body">Your comment' in html_of(page)
    assert html_of(fragment).startswith(f'<form method="post" action="{comments_url}"')
    assert f'id="comment-form-{parent.pk}"' in html_of(fragment)


def test_comment_form_is_refused_in_a_locked_thread(client_of, prompt, lively, facilitator, member):
    moderate_thread(actor=facilitator, thread=prompt, is_locked=True)
    response = client_of(member).get(url(prompt, f"replies/{lively['other'].pk}/comments/"))
    assert response.status_code == 403


def test_empty_comment_shows_the_error_under_its_response(client_of, prompt, lively, member):
    parent = lively["other"]
    response = client_of(member).post(url(prompt, f"replies/{parent.pk}/comments/"), {"body": ""})

    assert response.status_code == 400
    assert field_error(html_of(response), f"id_c{parent.pk}_body") == "This field is required."


def test_comment_on_a_comment_is_refused(client_of, prompt, lively, member):
    response = client_of(member).post(
        url(prompt, f"replies/{lively['comment'].pk}/comments/"), {"body": "Deeper"}
    )
    assert response.status_code == 400
    assert "Comment on a response of this thread." in html_of(response)
    assert ">\nDeeper</textarea>" in html_of(response)
    assert Reply.objects.count() == 3


def test_comment_on_a_reply_of_another_thread_is_not_found(
    client_of, space, prompt, lively, member
):
    other = start_thread(author=member, space=space, title="Elsewhere")

    response = client_of(member).post(
        url(other, f"replies/{lively['agree'].pk}/comments/"), {"body": "x"}
    )

    assert response.status_code == 404
    assert Reply.objects.count() == 3


# --- Reactions -------------------------------------------------------------------------


def test_react_and_take_it_back(client_of, prompt, lively, facilitator):
    reply = lively["agree"]
    client = client_of(facilitator)

    added = client.post(url(prompt, f"replies/{reply.pk}/react/"), {"add": "insightful"})
    reply.refresh_from_db()
    counts_after_add = (reply.insightful_count, Reaction.objects.filter(user=facilitator).count())
    removed = client.post(url(prompt, f"replies/{reply.pk}/react/"), {"remove": "insightful"})
    reply.refresh_from_db()

    assert added.status_code == removed.status_code == 302
    assert counts_after_add == (1, 1)
    assert (reply.insightful_count, Reaction.objects.filter(user=facilitator).count()) == (0, 0)


def test_react_with_htmx_returns_the_pressed_button(client_of, prompt, lively, facilitator):
    reply = lively["agree"]
    response = client_of(facilitator).post(
        url(prompt, f"replies/{reply.pk}/react/"),
        {"add": "thanks"},
        HTTP_HX_REQUEST="true",
    )
    html = html_of(response)
    assert response.status_code == 200
    assert html.startswith(f'<div class="reactions" id="reactions-{reply.pk}">')
    assert 'aria-pressed="true" aria-label="Say thanks (1)"' in html
    assert 'aria-pressed="false" aria-label="Mark helpful (1)"' in html


def test_reacting_twice_is_refused(client_of, prompt, lively, learner):
    reply = lively["agree"]  # Leo already marked it helpful
    client = client_of(learner)

    page = client.post(url(prompt, f"replies/{reply.pk}/react/"), {"add": "helpful"})
    fragment = client.post(
        url(prompt, f"replies/{reply.pk}/react/"),
        {"add": "helpful"},
        HTTP_HX_REQUEST="true",
    )

    reply.refresh_from_db()
    assert (page.status_code, fragment.status_code) == (400, 400)
    assert "You already reacted this way." in html_of(page)
    assert text_of(html_of(fragment), f"reactions-{reply.pk}").endswith(
        "You already reacted this way."
    )
    assert reply.helpful_count == 1


def test_unknown_reaction_is_refused(client_of, prompt, lively, facilitator):
    response = client_of(facilitator).post(
        url(prompt, f"replies/{lively['agree'].pk}/react/"), {"add": "love"}
    )
    assert response.status_code == 400
    assert "Choose helpful, insightful or thanks." in html_of(response)
    assert Reaction.objects.count() == 1


def test_reacting_to_ones_own_reply_is_refused(client_of, prompt, lively, member):
    response = client_of(member).post(
        url(prompt, f"replies/{lively['agree'].pk}/react/"), {"add": "thanks"}
    )
    assert response.status_code == 403
    assert Reaction.objects.count() == 1


# --- Endorse, accept, moderate ---------------------------------------------------------


def test_facilitator_endorses_and_withdraws(client_of, prompt, lively, facilitator):
    reply = lively["other"]
    client = client_of(facilitator)

    client.post(url(prompt, f"replies/{reply.pk}/endorse/"), {"endorse": "1"})
    reply.refresh_from_db()
    endorsed = (reply.endorsed_by, reply.endorsed_at is not None)
    client.post(url(prompt, f"replies/{reply.pk}/endorse/"), {"endorse": "0"})
    reply.refresh_from_db()

    assert endorsed == (facilitator, True)
    assert (reply.endorsed_by, reply.endorsed_at) == (None, None)


@pytest.mark.parametrize(
    ("sent", "landing"),
    [
        ("/spaces/elsewhere/lessons/3/#reply-{pk}", "/spaces/elsewhere/lessons/3/#reply-{pk}"),
        ("https://evil.example/phish", "{reply_url}"),
        ("//evil.example/phish", "{reply_url}"),
        ("", "{reply_url}"),
    ],
    ids=["page-on-this-site", "other-site", "scheme-relative", "none"],
)
def test_reply_forms_come_back_to_the_page_they_were_on(
    client_of, prompt, lively, facilitator, sent, landing
):
    """A lesson embedding the prompt sends its address; other sites are ignored."""
    reply = lively["other"]
    client = client_of(facilitator)
    fill = {"pk": reply.pk, "reply_url": reply.get_absolute_url()}

    endorsed = client.post(
        url(prompt, f"replies/{reply.pk}/endorse/"), {"endorse": "1", "next": sent.format(**fill)}
    )
    reacted = client.post(
        url(prompt, f"replies/{reply.pk}/react/"), {"add": "helpful", "next": sent.format(**fill)}
    )

    assert (endorsed.status_code, endorsed["Location"]) == (302, landing.format(**fill))
    assert (reacted.status_code, reacted["Location"]) == (302, landing.format(**fill))


def test_member_cannot_endorse(client_of, prompt, lively, member):
    response = client_of(member).post(url(prompt, f"replies/{lively['other'].pk}/endorse/"))
    lively["other"].refresh_from_db()
    assert response.status_code == 403
    assert lively["other"].endorsed_at is None


def test_asker_accepts_an_answer(client_of, question, member, learner):
    answer = post_reply(author=learner, thread=question, body="Use JOIN.")
    client = client_of(member)

    response = client.post(url(question, "accept/"), {"reply": str(answer.pk)})
    question.refresh_from_db()
    html = html_of(client.get(question.get_absolute_url()))

    assert response.status_code == 302
    assert question.accepted_reply == answer
    assert "Accepted answer" in text_of(html, f"reply-{answer.pk}")
    assert "Unaccept answer" in html


def test_accepting_is_refused_to_others_and_checks_the_reply(
    client_of, space, question, learner, member
):
    answer = post_reply(author=learner, thread=question, body="Use JOIN.")
    other = start_thread(author=member, space=space, title="Other question", kind=QUESTION)
    foreign = post_reply(author=learner, thread=other, body="Elsewhere")

    by_learner = client_of(learner).post(url(question, "accept/"), {"reply": str(answer.pk)})
    foreign_id = client_of(member).post(url(question, "accept/"), {"reply": str(foreign.pk)})
    not_a_number = client_of(member).post(url(question, "accept/"), {"reply": "abc"})

    question.refresh_from_db()
    assert (by_learner.status_code, foreign_id.status_code, not_a_number.status_code) == (
        403,
        404,
        400,
    )
    assert question.accepted_reply is None


def test_facilitator_pins_and_locks(client_of, prompt, facilitator):
    client = client_of(facilitator)
    client.post(url(prompt, "moderate/"), {"pin": "1"})
    client.post(url(prompt, "moderate/"), {"lock": "1"})
    prompt.refresh_from_db()
    assert (prompt.is_pinned, prompt.is_locked) == (True, True)

    client.post(url(prompt, "moderate/"), {"pin": "0", "lock": "0"})
    prompt.refresh_from_db()
    assert (prompt.is_pinned, prompt.is_locked) == (False, False)


def test_member_cannot_pin_and_bad_values_are_refused(client_of, prompt, member, facilitator):
    by_member = client_of(member).post(url(prompt, "moderate/"), {"pin": "1"})
    bad_value = client_of(facilitator).post(url(prompt, "moderate/"), {"lock": "yes"})

    prompt.refresh_from_db()
    assert (by_member.status_code, bad_value.status_code) == (403, 400)
    assert (prompt.is_pinned, prompt.is_locked) == (False, False)


# --- Edit and delete -------------------------------------------------------------------


def test_edit_reply_page_is_prefilled_and_saves(client_of, prompt, lively, member):
    reply = lively["agree"]
    client = client_of(member)
    page = client.get(url(prompt, f"replies/{reply.pk}/edit/"))

    saved = client.post(
        url(prompt, f"replies/{reply.pk}/edit/"), {"body": "Changed", "stance": "disagree"}
    )

    reply.refresh_from_db()
    prompt.refresh_from_db()
    assert page.status_code == 200
    assert ">\nYes, *mostly*.</textarea>" in html_of(page)
    assert saved.status_code == 302
    assert (reply.body, reply.stance) == ("Changed", "disagree")
    assert (prompt.agree_count, prompt.disagree_count) == (0, 2)


def test_edit_reply_refuses_others_and_empty_bodies(client_of, prompt, lively, member, learner):
    reply = lively["agree"]

    by_other = client_of(learner).get(url(prompt, f"replies/{reply.pk}/edit/"))
    empty = client_of(member).post(
        url(prompt, f"replies/{reply.pk}/edit/"), {"body": "", "stance": "agree"}
    )

    reply.refresh_from_db()
    assert (by_other.status_code, empty.status_code) == (403, 400)
    assert field_error(html_of(empty), "id_body") == "This field is required."
    assert reply.body == "Yes, *mostly*."


def test_edit_thread(client_of, prompt, facilitator, member):
    assert client_of(member).get(url(prompt, "edit/")).status_code == 403

    response = client_of(facilitator).post(url(prompt, "edit/"), {"title": "Mean?", "body": "New"})

    prompt.refresh_from_db()
    assert response.status_code == 302
    assert (prompt.title, prompt.body_html) == ("Mean?", "<p>New</p>\n")


def test_delete_reply_by_author_and_refusal_to_others(client_of, prompt, lively, member, learner):
    reply = lively["agree"]

    refused = client_of(learner).post(url(prompt, f"replies/{reply.pk}/delete/"))
    deleted = client_of(member).post(url(prompt, f"replies/{reply.pk}/delete/"))

    reply.refresh_from_db()
    assert (refused.status_code, deleted.status_code) == (403, 302)
    assert (reply.is_deleted, reply.body) == (True, "")
    assert Reply.objects.filter(parent=reply).count() == 1


def test_delete_thread_leaves_a_tombstone(client_of, prompt, lively, facilitator, learner):
    client = client_of(facilitator)
    response = client.post(url(prompt, "delete/"))
    html = html_of(client.get(prompt.get_absolute_url()))

    assert response.status_code == 302
    assert "This thread was deleted." in html
    assert "Use the median." in html


def test_get_on_a_post_endpoint_is_refused(client_of, prompt, member):
    assert client_of(member).get(url(prompt, "replies/")).status_code == 405


def test_guest_member_role_still_reads(client_of, space, prompt):
    guest = UserFactory(org_role="guest")
    add_member(space, guest, Membership.Role.GUEST)
    assert client_of(guest).get(prompt.get_absolute_url()).status_code == 200


def test_who_reacted(client_of, prompt, lively, facilitator, member):
    react(user=facilitator, reply=lively["agree"], kind=Reaction.Kind.THANKS)
    client = client_of(member)

    page = html_of(client.get(prompt.get_absolute_url()))
    response = client.get(url(prompt, f"replies/{lively['agree'].pk}/reactions/"))

    reactors_url = f"{url(prompt)}replies/{lively['agree'].pk}/reactions/"
    assert f'<a class="small" href="{reactors_url}">Who reacted</a>' in page
    assert response.status_code == 200
    assert (
        text_of(html_of(response), "reactors") == "Leo Learner · Helpful Fay Facilitator · Thanks"
    )
    assert client.get(url(prompt, "replies/999999/reactions/")).status_code == 404


def test_who_reacted_pages_fifty_at_a_time_in_a_fixed_number_of_queries(
    client_of, prompt, lively, member, assert_flat_query_count
):
    reply = lively["agree"]
    space = prompt.space

    def reactors(count: int) -> None:
        for person in UserFactory.create_batch(count):
            add_member(space, person)
            react(user=person, reply=reply, kind=Reaction.Kind.HELPFUL)

    reactors(3)
    client = client_of(member)
    path = url(prompt, f"replies/{reply.pk}/reactions/")
    assert_flat_query_count(lambda: client.get(path), grow=lambda: reactors(52))
    total = reply.reactions.count()
    assert 50 < total <= 100
    first = html_of(client.get(path))
    second = html_of(client.get(path + "?page=2"))
    shown = [text_of(page, "reactors").count(" · ") for page in (first, second)]
    assert shown == [50, total - 50]
    assert 'rel="next"' in first
    assert "Page 1 of 2" in first
    assert 'rel="prev"' in second
    # A page past the end shows the last one rather than an error.
    assert text_of(html_of(client.get(path + "?page=99")), "reactors").count(" · ") == total - 50


@pytest.mark.parametrize(
    "path",
    [
        "threads/99999999999999999999999/",
        "threads/{thread}/replies/99999999999999999999999/edit/",
        "threads/{thread}/replies/99999999999999999999999/reactions/",
        "threads/{thread}/replies/99999999999999999999999/comments/",
    ],
)
def test_out_of_range_ids_are_not_found(client_of, prompt, member, path):
    response = client_of(member).get("/spaces/data-club/" + path.format(thread=prompt.pk))
    assert response.status_code == 404


def test_out_of_range_answer_id_is_not_found(client_of, question, member):
    response = client_of(member).post(url(question, "accept/"), {"reply": "9" * 30})
    question.refresh_from_db()
    assert response.status_code == 404
    assert question.accepted_reply is None


def test_thread_page_query_count_is_flat_at_a_thousand_replies(
    client_of, prompt, member, learner, assert_flat_query_count
):
    def add(n: int) -> None:
        # Rows straight into the table: only their number matters here.
        Reply.objects.bulk_create(
            Reply(
                thread=prompt,
                author=(member, learner)[i % 2],
                body=f"Reply {i}",
                body_html=f"<p>Reply {i}</p>",
                stance="agree",
            )
            for i in range(n)
        )

    add(10)
    client = client_of(learner)
    # Session, user with their profile (the header's avatar), thread (with its
    # space and the viewer's role), replies, the viewer's reactions, files, the visit.
    count = assert_flat_query_count(
        lambda: client.get(prompt.get_absolute_url()), grow=lambda: add(990)
    )
    assert count == 7
