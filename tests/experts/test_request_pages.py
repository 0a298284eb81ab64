"""Pages and API of expert requests: the Ask button and form, the request bar, My requests."""

from __future__ import annotations

import pytest
from django.test import Client

from agora.accounts.models import Availability, Profile, User
from agora.discussions import actions as talk
from agora.experts.models import Expertise, ExpertRequest
from agora.notifications.models import Notification
from tests.experts.helpers import ask, make_expert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Profile button and form ----------------------------------------------------------------


def test_the_profile_offers_ask_and_the_form_opens_a_conversation(
    client_of, asker, expert, k8s, django_capture_on_commit_callbacks
):
    client = client_of(asker)
    page = client.get(f"/people/{expert.pk}/").content.decode()
    assert f'href="/people/{expert.pk}/ask/"' in page
    assert "Ask Eve Expert" in page
    form = client.get(f"/people/{expert.pk}/ask/")
    assert form.status_code == 200
    assert f'<option value="{k8s.pk}">Kubernetes</option>' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/people/{expert.pk}/ask/",
            {"title": "Pods keep restarting", "body": "Since Monday.", "skill": k8s.pk},
        )
    request = ExpertRequest.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == request.thread.get_absolute_url()
    assert request.skill == k8s
    assert Notification.objects.filter(recipient=expert, kind="expert_request").count() == 1
    thread_page = client.get(sent["Location"]).content.decode()
    assert 'id="request-bar"' in thread_page
    assert "Mark answered" in thread_page
    # The expert sees the bar, without the asker's buttons.
    expert_page = client_of(expert).get(sent["Location"]).content.decode()
    assert 'id="request-bar"' in expert_page
    assert "Mark answered" not in expert_page
    assert "Invite people into this conversation" in expert_page


def test_my_own_profile_shows_no_ask_button(client_of, expert):
    page = client_of(expert).get(f"/people/{expert.pk}/").content.decode()
    assert f"/people/{expert.pk}/ask/" not in page
    assert "My questions and requests" in page


def test_a_full_expert_shows_full_and_suggests_others(client_of, asker, expert, k8s):
    Profile.objects.filter(user=expert).update(request_limit=1)
    other = make_expert(k8s, name="Nina Next")
    ask(UserFactory(), expert, skill=k8s)
    client = client_of(asker)
    page = client.get(f"/people/{expert.pk}/").content.decode()
    assert "Full: 1 open question" in page
    assert f"/people/{expert.pk}/ask/" not in page
    assert f'<a href="/people/{other.pk}/">Nina Next</a>' in page
    refused = client.post(f"/people/{expert.pk}/ask/", {"title": "Still?", "body": ""})
    assert refused.status_code == 400
    assert "Eve Expert is full: 1 open question. You could ask: Nina Next." in (
        refused.content.decode()
    )
    assert ExpertRequest.objects.filter(asker=asker).count() == 0


def test_an_away_expert_says_not_taking_questions(client_of, asker, k8s):
    away = make_expert(k8s, availability=Availability.AWAY, availability_note="Back Monday")
    page = client_of(asker).get(f"/people/{away.pk}/").content.decode()
    assert "Not taking questions" in page
    assert "Back Monday" in page


@pytest.mark.parametrize(
    ("_case", "data", "message"),
    [
        ("empty title", {"title": "", "body": "x"}, "This field is required."),
        ("huge body", {"title": "T", "body": "x" * 60_000}, "Ensure this value has at most"),
        ("unknown skill", {"title": "T", "skill": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_questions_get_a_400_with_the_message_and_keep_the_text(
    _case, data, message, client_of, asker, expert
):
    response = client_of(asker).post(f"/people/{expert.pk}/ask/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExpertRequest.objects.exists()


def test_a_guest_may_not_open_the_ask_form_of_someone_they_cannot_see(client_of, expert):
    guest = UserFactory(org_role=User.OrgRole.GUEST)
    assert client_of(guest).get(f"/people/{expert.pk}/ask/").status_code == 404
    assert client_of(guest).post(f"/people/{expert.pk}/ask/", {"title": "Hi"}).status_code == 404
    assert Client().get(f"/people/{expert.pk}/ask/").status_code == 302  # to sign in


# --- The conversation is private ------------------------------------------------------------


def test_outsiders_cannot_reach_the_conversation_or_its_request(client_of, asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    url = request.thread.get_absolute_url()
    outsider = UserFactory()
    guest = UserFactory(org_role=User.OrgRole.GUEST)
    for person in (outsider, guest):
        client = client_of(person)
        assert client.get(url).status_code == 404
        assert client.get(f"/spaces/{request.thread.space.slug}/").status_code == 404
        assert (
            client.post(f"/requests/{request.pk}/answered/", {"helpful": "yes"}).status_code == 404
        )
        assert client.post(f"/requests/{request.pk}/withdraw/").status_code == 404
        assert client.get("/requests/").content.decode().count("Pods keep restarting") == 0
    assert Client().get(url).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.is_helpful) == ("open", None)


def test_the_expert_may_not_mark_the_request_answered(client_of, asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    assert client_of(expert).post(f"/requests/{request.pk}/answered/").status_code == 403
    request.refresh_from_db()
    assert request.status == "open"


def test_the_asker_marks_answered_then_helpful_from_the_bar(
    client_of, asker, expert, k8s, django_capture_on_commit_callbacks
):
    request = ask(asker, expert, skill=k8s)
    talk.post_reply(author=expert, thread=request.thread, body="Liveness probe.")
    client = client_of(asker)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/requests/{request.pk}/answered/")
        assert done.status_code == 302
        client.post(f"/requests/{request.pk}/answered/", {"helpful": "yes"})
    request.refresh_from_db()
    assert (request.status, request.is_helpful) == ("answered", True)
    assert Expertise.objects.get(user=expert, skill=k8s).helpful_requests == 1
    page = client.get(request.thread.get_absolute_url()).content.decode()
    assert "Rated helpful" in page
    assert "Reopen" in page
    bad = client.post(f"/requests/{request.pk}/answered/", {"helpful": "maybe"})
    assert bad.status_code == 302
    request.refresh_from_db()
    assert request.is_helpful is True


# --- My requests ----------------------------------------------------------------------------


def test_my_requests_lists_asked_and_received_by_box(client_of, asker, expert, k8s):
    mine = ask(asker, expert, skill=k8s, title="Asked by me")
    received = ask(UserFactory(name="Carl"), asker, title="Asked of me")
    client = client_of(asker)
    everything = client.get("/requests/").content.decode()
    assert "Asked by me" in everything
    assert "Asked of me" in everything
    asked = client.get("/requests/?box=asked").content.decode()
    assert "Asked by me" in asked
    assert "Asked of me" not in asked
    got = client.get("/requests/?box=received").content.decode()
    assert "Asked of me" in got
    assert "Asked by me" not in got
    assert client.get("/requests/?box=nonsense&page=x").status_code == 200
    assert mine.pk != received.pk


def test_my_requests_page_query_count_is_flat(client_of, asker, k8s, assert_flat_query_count):
    experts = [make_expert(k8s, name=f"Expert {n}", request_limit=50) for n in range(3)]
    Profile.objects.filter(user=asker).update(request_limit=50)
    ask(asker, experts[0], skill=k8s)
    ask(UserFactory(), asker, title="To me first")

    def grow() -> None:
        for n in range(12):
            ask(asker, experts[n % 3], skill=k8s, title=f"Question {n}")
            ask(UserFactory(), asker, title=f"To me {n}")

    client = client_of(asker)
    assert_flat_query_count(lambda: client.get("/requests/"), grow=grow, limit=10)


def test_the_conversation_page_query_count_is_flat(
    client_of, asker, expert, k8s, assert_flat_query_count
):
    request = ask(asker, expert, skill=k8s)
    talk.post_reply(author=expert, thread=request.thread, body="First point")
    client = client_of(asker)

    def grow() -> None:
        for n in range(10):
            talk.post_reply(author=expert, thread=request.thread, body=f"Point {n}")

    assert_flat_query_count(lambda: client.get(request.thread.get_absolute_url()), grow=grow)


def test_the_profile_page_query_count_stays_flat_with_requests(
    client_of, asker, expert, k8s, assert_flat_query_count
):
    """Measured while the expert is full, the page's costliest state (with suggestions)."""
    Profile.objects.filter(user=expert).update(request_limit=1)
    ask(UserFactory(), expert, skill=k8s)
    make_expert(k8s, name="Other first")
    client = client_of(asker)

    def grow() -> None:
        for n in range(4):
            other = make_expert(k8s, name=f"Other {n}")
            ask(UserFactory(), other, skill=k8s, title=f"Q{n}")

    assert_flat_query_count(lambda: client.get(f"/people/{expert.pk}/"), grow=grow)


def test_the_bar_links_both_participants_to_the_invite_form(client_of, asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    slug = request.thread.space.slug
    for person in (asker, expert):
        page = client_of(person).get(f"/spaces/{slug}/members/")
        assert page.status_code == 200
        assert "Invite someone" in page.content.decode()
    assert client_of(UserFactory()).get(f"/spaces/{slug}/members/").status_code == 404
