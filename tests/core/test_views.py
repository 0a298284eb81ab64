"""Pages that belong to no single app: home, login wall, error pages, CSRF, time zones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from agora.core.models import Event
from agora.spaces.actions import invite, join_space
from agora.spaces.models import Space
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.django_db


# --- Home -----------------------------------------------------------------------


def test_home_sends_anonymous_visitors_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_home_shows_activity_of_my_spaces_only(client_of, member, space, facilitator):
    other = make_space(creator=facilitator, name="Chess Club")
    joiner = UserFactory(name="Jo Joiner")
    join_space(user=joiner, space=space)
    join_space(user=UserFactory(name="Xena Elsewhere"), space=other)

    response = client_of(member).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome back, Mia" in html
    assert "Jo Joiner</a>\n      joined Data Club" in html
    assert "Xena Elsewhere" not in html
    assert [s.name for s in response.context["my_spaces"]] == ["Data Club"]
    assert [e.verb for e in response.context["feed"]] == ["space.joined", "space.created"]


def test_home_lists_pending_invitations(client_of, member, facilitator):
    club = make_space(creator=facilitator, name="Book Club", visibility=Space.Visibility.PRIVATE)
    invitation = invite(actor=facilitator, space=club, email=member.email)

    response = client_of(member).get("/")

    assert response.status_code == 200
    assert list(response.context["invitations"]) == [invitation]
    assert (
        f'<a href="/invitations/{invitation.token}/">Fay Facilitator invited you to Book Club</a>'
        in response.content.decode()
    )


def test_home_without_spaces_says_so(client_of, outsider):
    response = client_of(outsider).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are not in any space yet." in html
    assert "Nothing has happened here yet." in html


def test_home_query_count_is_flat(client_of, member, space, assert_flat_query_count):
    for _ in range(3):
        join_space(user=UserFactory(), space=space)

    def grow() -> None:
        for _ in range(3):
            extra = make_space(members=(member,))
            for _ in range(8):
                join_space(user=UserFactory(), space=extra)
        for _ in range(5):
            host = UserFactory()
            invite(actor=host, space=make_space(creator=host), email=member.email)

    client = client_of(member)
    assert_flat_query_count(lambda: client.get("/"), grow=grow, limit=7)


# --- The login wall ---------------------------------------------------------------

PROTECTED_PAGES = [
    "/people/",
    "/people/1/",
    "/settings/profile/",
    "/settings/photo/",
    "/settings/tokens/",
    "/settings/organization/",
    "/spaces/",
    "/spaces/new/",
    "/spaces/data-club/",
    "/spaces/data-club/edit/",
    "/spaces/data-club/members/",
]

PROTECTED_POSTS = [
    "/settings/tokens/1/revoke/",
    "/spaces/data-club/status/",
    "/spaces/data-club/join/",
    "/spaces/data-club/leave/",
    "/spaces/data-club/request/",
    "/spaces/data-club/members/1/role/",
    "/spaces/data-club/members/1/remove/",
    "/spaces/data-club/invitations/1/revoke/",
    "/spaces/data-club/requests/1/",
]


@pytest.mark.parametrize("url", PROTECTED_PAGES)
def test_pages_send_anonymous_visitors_to_login(client, space, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", PROTECTED_POSTS)
def test_posts_from_anonymous_visitors_change_nothing(client, space, url):
    events_before = Event.objects.count()
    response = client.post(url, {"role": "member", "status": "archived", "decision": "approve"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert Event.objects.count() == events_before
    space.refresh_from_db()
    assert space.status == Space.Status.ACTIVE
    assert space.member_count == 2


# --- Error pages -----------------------------------------------------------------


def test_unknown_page_is_a_styled_404(client_of, member):
    response = client_of(member).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Not found · Agora</title>" in html
    assert '<p class="error-code">404</p>' in html
    assert "There is nothing here" in html
    assert '<nav class="nav container" aria-label="Main">' in html


def test_forbidden_page_is_styled_and_says_why(client_of, member):
    response = client_of(member).get("/settings/organization/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Not allowed · Agora</title>" in html
    assert '<p class="error-code">403</p>' in html
    assert "Only organization admins may do this." in html


def test_csrf_failure_is_a_403_page(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/settings/tokens/", {"name": "Script"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<p class="error-code">403</p>' in html
    assert "The form had expired. Go back, reload the page and try again." in html
    assert member.access_tokens.exists() is False


# --- CSRF on every POST form ---------------------------------------------------------


@pytest.fixture
def csrf_client(member) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("/settings/profile/", "/settings/profile/"),
        ("/settings/tokens/", "/settings/tokens/"),
        ("/spaces/new/", "/spaces/new/"),
    ],
)
def test_post_forms_carry_a_csrf_token_and_need_it(csrf_client, member, page, action):
    page_html = csrf_client.get(page).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page_html
    events_before = Event.objects.count()

    response = csrf_client.post(action, {"name": "Anything"})

    assert response.status_code == 403
    assert Event.objects.count() == events_before


def test_post_with_the_pages_csrf_token_is_accepted(csrf_client, member):
    csrf_client.get("/settings/tokens/")
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(
        "/settings/tokens/", {"name": "Script", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302  # created, then redirected back to the list
    assert list(member.access_tokens.values_list("name", flat=True)) == ["Script"]


def test_join_without_csrf_token_is_refused(csrf_client, member, facilitator):
    club = make_space(creator=facilitator, name="Chess Club")
    response = csrf_client.post(reverse("space_join", args=[club.slug]))
    assert response.status_code == 403
    assert club.memberships.filter(user=member).exists() is False


# --- Time zones ----------------------------------------------------------------------


def test_feed_times_show_in_the_viewers_time_zone(client_of, member, space):
    member.time_zone = "Asia/Tokyo"
    member.save(update_fields=["time_zone"])
    Event.objects.filter(space=space).update(
        created_at=dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
    )

    html = client_of(member).get("/").content.decode()

    assert '<time datetime="2025-01-15T21:00:00+09:00" title="Jan. 15, 2025, 9 p.m.">' in html


def test_feed_times_default_to_utc(client_of, member, space):
    Event.objects.filter(space=space).update(
        created_at=dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
    )

    html = client_of(member).get("/").content.decode()

    assert '<time datetime="2025-01-15T12:00:00+00:00" title="Jan. 15, 2025, noon">' in html


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
