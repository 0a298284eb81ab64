"""Space pages: directory, creation, home, settings, members, invitations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from agora.accounts.models import User
from agora.core.models import Event
from agora.spaces.actions import (
    LAST_FACILITATOR,
    invite,
    join_space,
    request_to_join,
    update_space,
)
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from tests.factories import UserFactory, add_member, make_space
from tests.pages import field_error

pytestmark = pytest.mark.django_db

OPEN, PRIVATE, SECRET = Space.Visibility.OPEN, Space.Visibility.PRIVATE, Space.Visibility.SECRET


def space_names(page) -> list[str]:
    return [space.name for space in page]


def verbs(space: Space) -> list[str]:
    return list(Event.objects.filter(space=space).order_by("pk").values_list("verb", flat=True))


def html_of(response) -> str:
    return response.content.decode()


# --- Directory -----------------------------------------------------------------------


@pytest.fixture
def directory(facilitator, member):
    """A small directory: Mia is in two spaces, one of them archived."""
    spaces = {
        "chess": make_space(creator=facilitator, name="Chess Club", description="Openings"),
        "lab": make_space(creator=facilitator, name="Private Lab", visibility=PRIVATE),
        "cell": make_space(creator=facilitator, name="Secret Cell", visibility=SECRET),
        "mine": make_space(
            creator=facilitator, name="Mia's Secret", visibility=SECRET, members=(member,)
        ),
        "old": make_space(creator=facilitator, name="Old Times", members=(member,)),
        "team": make_space(creator=facilitator, name="Team Rocket", kind=Space.Kind.PROJECT),
    }
    update_space(actor=facilitator, space=spaces["old"], status=Space.Status.ARCHIVED)
    return spaces


def test_directory_lists_active_spaces_the_viewer_may_see(client_of, member, directory):
    response = client_of(member).get("/spaces/")

    assert response.status_code == 200
    assert space_names(response.context["page"]) == [
        "Chess Club",
        "Mia's Secret",
        "Private Lab",
        "Team Rocket",
    ]
    html = html_of(response)
    assert "Secret Cell" not in html
    assert "4 spaces" in html
    assert html.count('<span class="badge badge-ok">You are a member</span>') == 1
    assert '<a class="button button-primary" href="/spaces/new/">New space</a>' in html


def test_directory_mine_includes_archived_spaces(client_of, member, directory):
    response = client_of(member).get("/spaces/?scope=mine")
    assert space_names(response.context["page"]) == ["Mia's Secret", "Old Times"]
    assert '<span class="badge">Archived</span>' in html_of(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=project", ["Team Rocket"]),
        ("q=club", ["Chess Club"]),
        ("q=openings", ["Chess Club"]),
        ("scope=mine&q=secret", ["Mia's Secret"]),
        ("kind=circle", []),
        ("scope=everything", ["Chess Club", "Mia's Secret", "Private Lab", "Team Rocket"]),
    ],
)
def test_directory_filters(client_of, member, directory, query, expected):
    response = client_of(member).get(f"/spaces/?{query}")
    assert response.status_code == 200
    assert space_names(response.context["page"]) == expected


def test_directory_htmx_request_gets_only_the_results(client_of, member, directory):
    response = client_of(member).get("/spaces/?kind=project", HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert html.lstrip().startswith('<div id="space-results">')
    assert "<html" not in html
    assert "Team Rocket" in html
    assert "Chess Club" not in html


def test_directory_paginates_by_20(client_of, member, facilitator):
    for n in range(23):
        make_space(creator=facilitator, name=f"Space {n:02d}")
    client = client_of(member)

    first = client.get("/spaces/?kind=community")
    second = client.get("/spaces/?kind=community&page=2")

    assert space_names(first.context["page"]) == [f"Space {n:02d}" for n in range(20)]
    assert space_names(second.context["page"]) == ["Space 20", "Space 21", "Space 22"]
    assert 'href="?kind=community&amp;page=2"' in html_of(first)


def test_guest_directory_shows_only_their_spaces_and_no_create_button(
    client_of, guest, directory, facilitator
):
    make_space(creator=facilitator, name="Guest Room", members=(guest,))
    response = client_of(guest).get("/spaces/")
    assert space_names(response.context["page"]) == ["Guest Room"]
    assert "/spaces/new/" not in html_of(response)


@pytest.mark.parametrize("scope", ["all", "mine"])
def test_directory_query_count_is_flat(
    client_of, member, facilitator, scope, assert_flat_query_count
):
    parent = make_space(creator=facilitator, name="Parent", members=(member,))
    for n in range(3):
        make_space(creator=facilitator, members=(member,), parent=parent if n else None)

    def grow() -> None:
        for n in range(25):
            make_space(
                creator=facilitator,
                visibility=(OPEN, PRIVATE, SECRET)[n % 3],
                kind=Space.Kind.PROJECT,
                parent=parent if n % 2 else None,
                members=(member,) if n % 3 else (),
            )

    client = client_of(member)
    assert_flat_query_count(lambda: client.get(f"/spaces/?scope={scope}"), grow=grow, limit=5)


# --- Creating a space ------------------------------------------------------------------


def kinds_offered(client) -> list[str]:
    return [
        value for value, _label in client.get("/spaces/new/").context["form"]["kind"].field.choices
    ]


def test_kinds_offered_follow_the_creators_role(client_of, member, admin_user):
    staff = UserFactory(org_role=User.OrgRole.STAFF)
    without_course = ["project", "network", "circle", "community"]
    assert kinds_offered(client_of(member)) == without_course
    assert kinds_offered(client_of(staff)) == ["course", *without_course]
    assert kinds_offered(client_of(admin_user)) == ["course", *without_course]


def test_guests_may_not_create_spaces(client_of, guest):
    client = client_of(guest)
    assert client.get("/spaces/new/").status_code == 403
    response = client.post(
        "/spaces/new/", {"name": "Mine", "kind": "community", "visibility": "open"}
    )
    assert response.status_code == 403
    assert Space.objects.exists() is False


def test_create_space_makes_the_creator_facilitator(client_of, member):
    response = client_of(member).post(
        "/spaces/new/",
        {
            "name": "  Data   Science Circle ",
            "slug": "",
            "kind": "circle",
            "visibility": "private",
            "description": "We read *papers*.",
        },
        follow=True,
    )

    space = Space.objects.get()
    assert response.redirect_chain == [("/spaces/data-science-circle/", 302)]
    assert (space.name, space.kind, space.visibility) == (
        "Data Science Circle",
        "circle",
        "private",
    )
    assert space.description_html == "<p>We read <em>papers</em>.</p>\n"
    assert list(space.memberships.values_list("user__name", "role")) == [
        ("Mia Member", "facilitator")
    ]
    assert "“Data Science Circle” is ready. Invite people to it." in html_of(response)
    assert verbs(space) == ["space.created"]


def test_create_space_inside_a_parent(client_of, admin_user):
    course = make_space(creator=admin_user, name="ML 101", kind=Space.Kind.COURSE)
    response = client_of(admin_user).post(
        "/spaces/new/",
        {"name": "Team A", "kind": "project", "visibility": "open", "parent": course.pk},
    )
    assert response.status_code == 302
    assert Space.objects.get(name="Team A").parent == course


def test_parent_must_be_a_space_the_creator_can_see(client_of, member, facilitator):
    hidden = make_space(creator=facilitator, name="Secret Cell", visibility=SECRET)
    response = client_of(member).post(
        "/spaces/new/",
        {"name": "Inside", "kind": "project", "visibility": "open", "parent": hidden.pk},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["parent"]
    assert "Secret Cell" not in html_of(response)
    assert Space.objects.filter(name="Inside").exists() is False


def test_member_may_not_create_a_course(client_of, member):
    response = client_of(member).post(
        "/spaces/new/", {"name": "My Course", "kind": "course", "visibility": "open"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "kind": ["Select a valid choice. course is not one of the available choices."]
    }
    assert Space.objects.exists() is False


def test_invalid_space_keeps_what_was_typed(client_of, member):
    response = client_of(member).post(
        "/spaces/new/",
        {
            "name": "",
            "slug": "Bad Slug!",
            "kind": "project",
            "visibility": "open",
            "description": "Keep me",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "slug"}
    html = html_of(response)
    assert ">\nKeep me</textarea>" in html
    assert 'value="Bad Slug!"' in html
    assert field_error(html, "id_name") == "This field is required."
    assert Space.objects.exists() is False


def test_empty_submission_shows_errors(client_of, member):
    response = client_of(member).post("/spaces/new/", {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "kind", "visibility"}
    assert Space.objects.exists() is False


def test_duplicate_address_is_refused(client_of, member, space):
    response = client_of(member).post(
        "/spaces/new/",
        {"name": "Other", "slug": "data-club", "kind": "community", "visibility": "open"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"slug": ["Another space has this address."]}
    assert Space.objects.filter(name="Other").exists() is False


def test_same_name_gets_a_fresh_address(client_of, member, space):
    response = client_of(member).post(
        "/spaces/new/", {"name": "Data Club", "kind": "community", "visibility": "open"}
    )
    assert response["Location"] == "/spaces/data-club-2/"


# --- Space home ------------------------------------------------------------------------


def test_member_sees_feed_members_and_leave(client_of, member, space):
    response = client_of(member).get("/spaces/data-club/")

    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Data Club</h1>" in html
    assert '<span class="badge badge-ok">Your role: Member</span>' in html
    assert ">Leave</button>" in html
    assert "Join space" not in html
    assert "/spaces/data-club/edit/" not in html
    assert [m.user.name for m in response.context["members_preview"]] == [
        "Fay Facilitator",
        "Mia Member",
    ]
    assert '<span class="muted small">Host</span>' in html
    assert [e.verb for e in response.context["feed"]] == ["space.created"]
    assert f'data-live-space="{space.pk}"' in html


def test_facilitator_sees_settings(client_of, facilitator, space):
    html = html_of(client_of(facilitator).get("/spaces/data-club/"))
    assert '<a class="button" href="/spaces/data-club/edit/">Settings</a>' in html
    assert '<span class="badge badge-ok">Your role: Host</span>' in html


def test_outsider_sees_open_space_and_may_join(client_of, outsider, space):
    response = client_of(outsider).get("/spaces/data-club/")
    html = html_of(response)
    assert '<form method="post" action="/spaces/data-club/join/">' in html
    assert "Join space</button>" in html
    assert ">Leave</button>" not in html
    assert response.context["can_view"] is True


def test_private_space_hides_feed_and_members_from_outsiders(client_of, outsider, facilitator):
    lab = make_space(
        creator=facilitator, name="Private Lab", visibility=PRIVATE, description="Hidden *work*"
    )
    add_member(lab, UserFactory(name="Sam Secretive"))

    response = client_of(outsider).get(f"/spaces/{lab.slug}/")

    assert response.status_code == 200
    html = html_of(response)
    assert "Hidden <em>work</em>" in html
    assert (
        "This space is private. Its members and conversations are visible to members only." in html
    )
    assert "Sam Secretive" not in html
    assert "Fay Facilitator" not in html
    assert "feed" not in response.context
    assert "members_preview" not in response.context
    assert '<summary class="button">Ask to join</summary>' in html
    assert f"/spaces/{lab.slug}/members/" not in html


def test_request_sent_replaces_the_request_button(client_of, outsider, facilitator):
    lab = make_space(creator=facilitator, name="Private Lab", visibility=PRIVATE)
    request_to_join(user=outsider, space=lab)
    html = html_of(client_of(outsider).get(f"/spaces/{lab.slug}/"))
    assert '<span class="badge">Request sent</span>' in html
    assert "Ask to join" not in html


def test_invited_person_gets_a_link_to_answer(client_of, outsider, facilitator):
    lab = make_space(creator=facilitator, name="Private Lab", visibility=PRIVATE)
    invitation = invite(actor=facilitator, space=lab, email=outsider.email)
    html = html_of(client_of(outsider).get(f"/spaces/{lab.slug}/"))
    assert (
        f'<a class="button button-primary" href="/invitations/{invitation.token}/">'
        "You are invited: answer</a>"
    ) in html
    assert "Ask to join" not in html


@pytest.mark.parametrize("who", ["outsider", "guest"])
def test_secret_space_is_404_for_outsiders(client_of, outsider, guest, facilitator, who):
    make_space(creator=facilitator, name="Secret Cell", visibility=SECRET)
    response = client_of(outsider if who == "outsider" else guest).get("/spaces/secret-cell/")
    assert response.status_code == 404
    assert "Secret Cell" not in html_of(response)


def test_guest_cannot_see_open_spaces_they_are_not_in(client_of, guest, space):
    assert client_of(guest).get("/spaces/data-club/").status_code == 404


def test_unknown_space_is_404(client_of, member):
    assert client_of(member).get("/spaces/no-such-space/").status_code == 404
    assert client_of(member).get("/spaces/no-such-space/members/").status_code == 404


def test_archived_space_says_so_and_offers_no_join(client_of, outsider, facilitator, space):
    update_space(actor=facilitator, space=space, status=Space.Status.ARCHIVED)
    html = html_of(client_of(outsider).get("/spaces/data-club/"))
    assert '<span class="badge">Archived</span>' in html
    assert "Join space" not in html
    assert "archived Data Club" in html


def test_description_markdown_is_sanitized(client_of, member, facilitator):
    make_space(
        creator=facilitator,
        name="Risky",
        description=(
            '# Hi\n<script>alert("x")</script>\n\n[x](javascript:alert(1)) <b onclick="y()">b</b>'
        ),
    )
    html = html_of(client_of(member).get("/spaces/risky/"))
    assert "<h1>Hi</h1>" in html
    assert "<script>alert" not in html
    assert "<p>&lt;script&gt;alert(“x”)&lt;/script&gt;</p>" in html
    assert 'href="javascript:' not in html
    assert "<b onclick" not in html


def test_children_are_listed_when_visible(client_of, member, admin_user):
    course = make_space(
        creator=admin_user, name="ML 101", kind=Space.Kind.COURSE, members=(member,)
    )
    make_space(creator=admin_user, name="Team A", kind=Space.Kind.PROJECT, parent=course)
    make_space(
        creator=admin_user, name="Team S", kind=Space.Kind.PROJECT, parent=course, visibility=SECRET
    )
    response = client_of(member).get("/spaces/ml-101/")
    assert [child.name for child in response.context["children"]] == ["Team A"]
    assert "Team S" not in html_of(response)


def test_feed_pages_come_as_htmx_fragments(client_of, member, space):
    for _ in range(25):
        join_space(user=UserFactory(), space=space)

    response = client_of(member).get("/spaces/data-club/?page=2", HTTP_HX_REQUEST="true")

    html = html_of(response)
    assert html.lstrip().startswith('<section class="feed"')
    assert "<html" not in html
    assert [e.verb for e in response.context["feed"]][-1] == "space.created"
    assert len(response.context["feed"]) == 6


def test_feed_fragment_of_a_private_space_shows_outsiders_nothing(client_of, outsider, facilitator):
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    add_member(lab, UserFactory(name="Sam Secretive"))
    Event.objects.create(actor=facilitator, verb="space.joined", space=lab, data={})

    response = client_of(outsider).get("/spaces/lab/?page=1", HTTP_HX_REQUEST="true")

    html = html_of(response)
    assert "Fay Facilitator" not in html
    assert "joined" not in html
    assert "Nothing has happened here yet." in html


def test_space_home_query_count_is_flat(client_of, member, facilitator, assert_flat_query_count):
    space = make_space(creator=facilitator, name="Big Room", members=(member,))
    for _ in range(3):
        join_space(user=UserFactory(), space=space)
    make_space(creator=facilitator, parent=space)

    def grow() -> None:
        for _ in range(25):
            join_space(user=UserFactory(), space=space)
        for n in range(5):
            make_space(creator=facilitator, parent=space, visibility=(OPEN, PRIVATE)[n % 2])
        add_member(space, UserFactory(), Membership.Role.FACILITATOR)

    client = client_of(member)
    assert_flat_query_count(lambda: client.get("/spaces/big-room/"), grow=grow, limit=9)


def test_private_space_home_query_count_is_flat(
    client_of, outsider, facilitator, assert_flat_query_count
):
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE)

    def grow() -> None:
        for _ in range(25):
            add_member(lab, UserFactory())

    client = client_of(outsider)
    assert_flat_query_count(lambda: client.get("/spaces/lab/"), grow=grow, limit=7)


# --- Join, leave, request -------------------------------------------------------------


def test_join_open_space(client_of, outsider, space):
    response = client_of(outsider).post("/spaces/data-club/join/", follow=True)
    assert response.redirect_chain == [("/spaces/data-club/", 302)]
    assert "Welcome to Data Club!" in html_of(response)
    assert space.memberships.filter(user=outsider, role="member").exists() is True


def test_join_twice_says_already_member(client_of, member, space):
    response = client_of(member).post("/spaces/data-club/join/", follow=True)
    assert "Already a member of this space." in html_of(response)
    assert space.memberships.filter(user=member).count() == 1


def test_join_private_space_is_refused(client_of, outsider, facilitator):
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    response = client_of(outsider).post("/spaces/lab/join/")
    assert response.status_code == 403
    assert lab.memberships.filter(user=outsider).exists() is False


def test_join_needs_post(client_of, outsider, space):
    assert client_of(outsider).get("/spaces/data-club/join/").status_code == 405


def test_leave_space(client_of, member, space):
    response = client_of(member).post("/spaces/data-club/leave/", follow=True)
    assert response.redirect_chain == [("/spaces/", 302)]
    assert "You left Data Club." in html_of(response)
    assert space.memberships.filter(user=member).exists() is False


def test_last_facilitator_may_not_leave(client_of, facilitator, space):
    response = client_of(facilitator).post("/spaces/data-club/leave/", follow=True)
    assert response.redirect_chain == [("/spaces/data-club/", 302)]
    assert str(LAST_FACILITATOR) in html_of(response)
    assert space.memberships.filter(user=facilitator, role="facilitator").exists() is True


def test_request_to_join_private_space(client_of, outsider, facilitator):
    make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    client = client_of(outsider)

    response = client.post("/spaces/lab/request/", {"message": "I run experiments"}, follow=True)

    assert "Your request is sent; the facilitators will decide." in html_of(response)
    assert list(JoinRequest.objects.values_list("user", "message", "status")) == [
        (outsider.pk, "I run experiments", "pending")
    ]
    again = client.post("/spaces/lab/request/", {"message": ""}, follow=True)
    assert "You have already asked to join; the facilitators will decide." in html_of(again)
    assert JoinRequest.objects.count() == 1


def test_request_message_too_long_is_refused(client_of, outsider, facilitator):
    make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    response = client_of(outsider).post("/spaces/lab/request/", {"message": "x" * 501}, follow=True)
    assert "Ensure this value has at most 500 characters (it has 501)." in html_of(response)
    assert JoinRequest.objects.exists() is False


def test_request_to_join_open_space_is_refused(client_of, outsider, space):
    response = client_of(outsider).post("/spaces/data-club/request/", {"message": ""})
    assert response.status_code == 403
    assert JoinRequest.objects.exists() is False


# --- Settings and status ----------------------------------------------------------------


def test_settings_page_for_managers_only(client_of, facilitator, member, admin_user, space):
    assert client_of(member).get("/spaces/data-club/edit/").status_code == 403
    assert client_of(admin_user).get("/spaces/data-club/edit/").status_code == 200
    response = client_of(facilitator).get("/spaces/data-club/edit/")
    assert response.status_code == 200
    html = html_of(response)
    assert 'value="Data Club"' in html
    assert '<form method="post" action="/spaces/data-club/status/">' in html
    assert "Archive this space</button>" in html


def test_settings_save(client_of, facilitator, space):
    response = client_of(facilitator).post(
        "/spaces/data-club/edit/",
        {
            "name": "Data Club 2",
            "slug": "data-club-two",
            "kind": "community",
            "visibility": "private",
            "description": "New **rules**",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/spaces/data-club-two/", 302)]
    assert "Space settings saved." in html_of(response)
    space.refresh_from_db()
    assert (space.name, space.slug, space.visibility) == ("Data Club 2", "data-club-two", "private")
    assert space.description_html == "<p>New <strong>rules</strong></p>\n"
    assert verbs(space)[-1] == "space.updated"


def test_settings_with_empty_address_keep_the_old_one(client_of, facilitator, space):
    response = client_of(facilitator).post(
        "/spaces/data-club/edit/",
        {"name": "Renamed", "slug": "", "kind": "community", "visibility": "open"},
    )
    assert response["Location"] == "/spaces/data-club/"
    space.refresh_from_db()
    assert (space.name, space.slug) == ("Renamed", "data-club")


def test_invalid_settings_keep_input_and_the_old_address(client_of, facilitator, space):
    make_space(creator=facilitator, name="Taken")
    response = client_of(facilitator).post(
        "/spaces/data-club/edit/",
        {"name": "Typed name", "slug": "taken", "kind": "community", "visibility": "open"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"slug": ["Another space has this address."]}
    html = html_of(response)
    assert 'value="Typed name"' in html
    assert "<h1>Settings of Data Club</h1>" in html
    assert '<form method="post" action="/spaces/data-club/status/">' in html
    space.refresh_from_db()
    assert (space.name, space.slug) == ("Data Club", "data-club")


def test_space_cannot_move_inside_its_own_child(client_of, facilitator, space):
    child = make_space(creator=facilitator, name="Child", parent=space)
    response = client_of(facilitator).post(
        "/spaces/data-club/edit/",
        {"name": "Data Club", "kind": "community", "visibility": "open", "parent": child.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"parent": ["A space cannot sit inside itself."]}
    space.refresh_from_db()
    assert space.parent is None


def test_facilitator_may_not_turn_a_space_into_a_course(client_of, facilitator, space):
    response = client_of(facilitator).post(
        "/spaces/data-club/edit/", {"name": "Data Club", "kind": "course", "visibility": "open"}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["kind"]
    space.refresh_from_db()
    assert space.kind == Space.Kind.COMMUNITY


def test_member_cannot_post_settings(client_of, member, space):
    response = client_of(member).post(
        "/spaces/data-club/edit/", {"name": "Hijacked", "kind": "community", "visibility": "open"}
    )
    assert response.status_code == 403
    space.refresh_from_db()
    assert space.name == "Data Club"


def test_archive_and_restore(client_of, facilitator, space):
    client = client_of(facilitator)

    archived = client.post("/spaces/data-club/status/", {"status": "archived"}, follow=True)
    assert "The space is archived." in html_of(archived)
    space.refresh_from_db()
    assert space.status == Space.Status.ARCHIVED
    assert "Make active again</button>" in html_of(client.get("/spaces/data-club/edit/"))

    restored = client.post("/spaces/data-club/status/", {"status": "active"}, follow=True)
    assert "The space is active again." in html_of(restored)
    space.refresh_from_db()
    assert space.status == Space.Status.ACTIVE
    assert verbs(space)[-2:] == ["space.archived", "space.restored"]


def test_status_needs_a_valid_choice(client_of, facilitator, space):
    response = client_of(facilitator).post(
        "/spaces/data-club/status/", {"status": "gone"}, follow=True
    )
    assert response.redirect_chain == [("/spaces/data-club/edit/", 302)]
    assert "Choose active or archived." in html_of(response)
    space.refresh_from_db()
    assert space.status == Space.Status.ACTIVE


def test_member_cannot_archive(client_of, member, space):
    response = client_of(member).post("/spaces/data-club/status/", {"status": "archived"})
    assert response.status_code == 403
    space.refresh_from_db()
    assert space.status == Space.Status.ACTIVE


# --- Members page -----------------------------------------------------------------------


@pytest.fixture
def lab(facilitator, member):
    """A private space with a pending invitation and a pending join request."""
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE, members=(member,))
    invite(actor=facilitator, space=lab, email="newcomer@example.test")
    request_to_join(user=UserFactory(name="Rita Requester"), space=lab, message="Let me in")
    return lab


def test_manager_sees_invite_form_invitations_and_requests(client_of, facilitator, lab):
    response = client_of(facilitator).get("/spaces/lab/members/")

    assert response.status_code == 200
    html = html_of(response)
    assert '<h2 id="invite-heading">Invite someone</h2>' in html
    assert [i.email for i in response.context["invitations"]] == ["newcomer@example.test"]
    assert [r.user.name for r in response.context["join_requests"]] == ["Rita Requester"]
    assert "Rita Requester</a>: “Let me in”" in html
    assert 'aria-label="Revoke invitation to newcomer@example.test"' in html
    assert 'aria-label="Remove Mia Member"' in html
    assert [m.user.name for m in response.context["page"]] == ["Fay Facilitator", "Mia Member"]


def test_member_sees_the_list_without_management(client_of, member, lab):
    response = client_of(member).get("/spaces/lab/members/")
    assert response.status_code == 200
    html = html_of(response)
    assert response.context["invite_form"] is None
    assert "newcomer@example.test" not in html
    assert "Rita Requester" not in html
    assert "Remove Mia Member" not in html
    assert '<th scope="col">Manage</th>' not in html


def test_members_of_private_space_are_hidden_from_outsiders(client_of, outsider, lab):
    response = client_of(outsider).get("/spaces/lab/members/")
    assert response.status_code == 403
    assert "Join this space to see its members." in html_of(response)
    assert "Mia Member" not in html_of(response)


def test_members_filter_by_role(client_of, member, lab):
    response = client_of(member).get("/spaces/lab/members/?role=facilitator")
    assert [m.user.name for m in response.context["page"]] == ["Fay Facilitator"]


def test_members_joined_dates_show_in_the_viewers_time_zone(client_of, member, lab):
    Membership.objects.filter(space=lab).update(
        created_at=dt.datetime(2025, 1, 15, 23, 30, tzinfo=dt.UTC)
    )
    User.objects.filter(pk=member.pk).update(time_zone="Asia/Tokyo")

    html = html_of(client_of(member).get("/spaces/lab/members/"))

    assert html.count("<td>Jan. 16, 2025</td>") == 2


def test_invite_by_email_sends_the_invitation(
    client_of, facilitator, lab, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(facilitator).post(
            "/spaces/lab/members/",
            {"email": "Zoe@Example.test", "role": "guest", "message": "Join us"},
            follow=True,
        )

    assert response.redirect_chain == [("/spaces/lab/members/", 302)]
    assert "Invitation sent to zoe@example.test." in html_of(response)
    invitation = Invitation.objects.get(email="zoe@example.test")
    assert (invitation.role, invitation.message, invitation.invited_by) == (
        "guest",
        "Join us",
        facilitator,
    )
    assert [m.to for m in mail.outbox] == [["zoe@example.test"]]
    assert invitation.token in mail.outbox[0].body


def test_invalid_invitation_keeps_what_was_typed(client_of, facilitator, lab):
    response = client_of(facilitator).post(
        "/spaces/lab/members/",
        {"email": "not-an-email", "role": "member", "message": "Hello there"},
    )

    assert response.status_code == 400
    html = html_of(response)
    assert 'value="not-an-email"' in html
    assert ">\nHello there</textarea>" in html
    assert field_error(html, "id_email") == "Enter a valid email address."
    assert Invitation.objects.filter(space=lab).count() == 1


def test_inviting_a_member_is_refused_on_the_email_field(client_of, facilitator, member, lab):
    response = client_of(facilitator).post(
        "/spaces/lab/members/", {"email": member.email, "role": "member"}
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors == {"email": ["Already a member of this space."]}


def test_member_cannot_invite(client_of, member, lab):
    response = client_of(member).post(
        "/spaces/lab/members/", {"email": "x@example.test", "role": "member"}
    )
    assert response.status_code == 403
    assert Invitation.objects.filter(email="x@example.test").exists() is False


def test_revoke_invitation(client_of, facilitator, lab):
    invitation = lab.invitations.get()
    response = client_of(facilitator).post(
        f"/spaces/lab/invitations/{invitation.pk}/revoke/", follow=True
    )
    assert "The invitation to newcomer@example.test is revoked." in html_of(response)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert "Pending invitations" not in html_of(response)


def test_revoke_invitation_of_another_space_is_404(client_of, facilitator, lab, space):
    invitation = lab.invitations.get()
    response = client_of(facilitator).post(f"/spaces/data-club/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.parametrize(("decision", "status"), [("approve", "approved"), ("decline", "declined")])
def test_decide_join_request(client_of, facilitator, lab, decision, status):
    join_request = lab.join_requests.get()
    response = client_of(facilitator).post(
        f"/spaces/lab/requests/{join_request.pk}/", {"decision": decision}, follow=True
    )
    expected = {
        "approve": "Rita Requester is now a member.",
        "decline": "Rita Requester&#x27;s request is declined.",
    }[decision]
    assert expected in html_of(response)
    join_request.refresh_from_db()
    assert join_request.status == status
    assert lab.memberships.filter(user=join_request.user).exists() is (decision == "approve")


@pytest.mark.parametrize("data", [{}, {"decision": "maybe"}])
def test_join_request_without_a_decision_changes_nothing(client_of, facilitator, lab, data):
    join_request = lab.join_requests.get()
    response = client_of(facilitator).post(
        f"/spaces/lab/requests/{join_request.pk}/", data, follow=True
    )
    assert "Choose approve or decline." in html_of(response)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_deciding_twice_says_it_is_decided(client_of, facilitator, lab):
    join_request = lab.join_requests.get()
    client = client_of(facilitator)
    client.post(f"/spaces/lab/requests/{join_request.pk}/", {"decision": "approve"})
    response = client.post(
        f"/spaces/lab/requests/{join_request.pk}/", {"decision": "decline"}, follow=True
    )
    assert "This request has already been decided." in html_of(response)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED


def test_member_cannot_decide_requests(client_of, member, lab):
    join_request = lab.join_requests.get()
    response = client_of(member).post(
        f"/spaces/lab/requests/{join_request.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_change_role(client_of, facilitator, member, lab):
    response = client_of(facilitator).post(
        f"/spaces/lab/members/{member.pk}/role/", {"role": "facilitator"}, follow=True
    )
    assert "Mia Member&#x27;s role is changed." in html_of(response)
    assert lab.memberships.get(user=member).role == "facilitator"


def test_last_facilitator_keeps_the_role_with_a_message(client_of, facilitator, lab):
    response = client_of(facilitator).post(
        f"/spaces/lab/members/{facilitator.pk}/role/", {"role": "member"}, follow=True
    )
    assert response.redirect_chain == [("/spaces/lab/members/", 302)]
    assert str(LAST_FACILITATOR) in html_of(response)
    assert lab.memberships.get(user=facilitator).role == "facilitator"


def test_unknown_role_is_refused(client_of, facilitator, member, lab):
    response = client_of(facilitator).post(
        f"/spaces/lab/members/{member.pk}/role/", {"role": "king"}, follow=True
    )
    assert "Choose facilitator, member or guest." in html_of(response)
    assert lab.memberships.get(user=member).role == "member"


def test_remove_member(client_of, facilitator, member, lab):
    response = client_of(facilitator).post(f"/spaces/lab/members/{member.pk}/remove/", follow=True)
    assert "Mia Member is no longer a member." in html_of(response)
    assert lab.memberships.filter(user=member).exists() is False
    assert verbs(lab)[-1] == "member.removed"


def test_last_facilitator_cannot_be_removed(client_of, admin_user, facilitator, lab):
    response = client_of(admin_user).post(
        f"/spaces/lab/members/{facilitator.pk}/remove/", follow=True
    )
    assert str(LAST_FACILITATOR) in html_of(response)
    assert lab.memberships.filter(user=facilitator).exists() is True


def test_managing_a_non_member_is_404(client_of, facilitator, outsider, lab):
    client = client_of(facilitator)
    assert client.post(f"/spaces/lab/members/{outsider.pk}/remove/").status_code == 404
    assert (
        client.post(f"/spaces/lab/members/{outsider.pk}/role/", {"role": "member"}).status_code
        == 404
    )


@pytest.mark.parametrize("action", ["role", "remove"])
def test_members_cannot_manage_members(client_of, member, facilitator, lab, action):
    response = client_of(member).post(
        f"/spaces/lab/members/{facilitator.pk}/{action}/", {"role": "member"}
    )
    assert response.status_code == 403
    assert lab.memberships.get(user=facilitator).role == "facilitator"


def test_invite_needs_csrf_token(facilitator, lab):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    response = client.post("/spaces/lab/members/", {"email": "z@example.test", "role": "member"})
    assert response.status_code == 403
    assert Invitation.objects.filter(email="z@example.test").exists() is False


def test_members_page_query_count_is_flat(client_of, facilitator, lab, assert_flat_query_count):
    for n in range(3):
        add_member(lab, UserFactory(profile={"title": f"Title {n}"}))

    def grow() -> None:
        for n in range(25):
            add_member(lab, UserFactory(), (Membership.Role.MEMBER, Membership.Role.GUEST)[n % 2])
        for n in range(10):
            invite(actor=facilitator, space=lab, email=f"guest{n}@example.test")
            request_to_join(user=UserFactory(), space=lab, message=f"Please {n}")
        invite(actor=facilitator, space=lab, user=UserFactory())

    client = client_of(facilitator)
    assert_flat_query_count(lambda: client.get("/spaces/lab/members/"), grow=grow, limit=9)


# --- Invitation page ----------------------------------------------------------------------


@pytest.fixture
def invitation(facilitator, outsider):
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    return invite(actor=facilitator, space=lab, email=outsider.email, message="Come and see")


def test_invitee_sees_the_invitation(client_of, outsider, invitation):
    response = client_of(outsider).get(invitation.get_absolute_url())
    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Invitation to Lab</h1>" in html
    assert "Fay Facilitator invited you to join as Member." in html
    assert "<blockquote>Come and see</blockquote>" in html
    assert 'name="decision" value="accept"' in html


def test_accept_invitation(client_of, outsider, invitation):
    response = client_of(outsider).post(
        invitation.get_absolute_url(), {"decision": "accept"}, follow=True
    )
    assert response.redirect_chain == [("/spaces/lab/", 302)]
    assert "Welcome to Lab!" in html_of(response)
    assert invitation.space.memberships.get(user=outsider).role == "member"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_decline_invitation(client_of, outsider, invitation):
    response = client_of(outsider).post(
        invitation.get_absolute_url(), {"decision": "decline"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "You declined the invitation." in html_of(response)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.space.memberships.filter(user=outsider).exists() is False


@pytest.mark.parametrize("data", [{}, {"decision": "later"}])
def test_invitation_post_without_a_decision_changes_nothing(client_of, outsider, invitation, data):
    response = client_of(outsider).post(invitation.get_absolute_url(), data)
    assert response.status_code == 400
    assert "Choose accept or decline." in html_of(response)
    assert 'value="accept"' in html_of(response)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_for_someone_else_is_403(client_of, member, invitation):
    client = client_of(member)
    assert client.get(invitation.get_absolute_url()).status_code == 403
    response = client.post(invitation.get_absolute_url(), {"decision": "accept"})
    assert response.status_code == 403
    assert "This invitation was sent to another address." in html_of(response)
    assert invitation.space.memberships.filter(user=member).exists() is False


def test_closed_invitation_says_so(client_of, outsider, invitation):
    client = client_of(outsider)
    client.post(invitation.get_absolute_url(), {"decision": "decline"})

    page = client.get(invitation.get_absolute_url())
    assert "This invitation is declined." in html_of(page)
    assert 'value="accept"' not in html_of(page)

    response = client.post(invitation.get_absolute_url(), {"decision": "accept"})
    assert response.status_code == 400
    assert "This invitation is no longer open." in html_of(response)
    assert invitation.space.memberships.filter(user=outsider).exists() is False


def test_unknown_invitation_is_404(client_of, outsider):
    assert client_of(outsider).get("/invitations/nope/").status_code == 404


def test_anonymous_with_new_address_goes_to_signup_with_the_email_stashed(client, facilitator):
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    invitation = invite(actor=facilitator, space=lab, email="fresh@example.test")

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/signup/?next=/invitations/{invitation.token}/"
    assert client.session["agora_invitation_token"] == invitation.token
    assert client.session["account_verified_email"] == "fresh@example.test"


def test_anonymous_with_an_account_goes_to_login(client, invitation):
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/invitations/{invitation.token}/"
    assert client.session["agora_invitation_token"] == invitation.token
    assert "account_verified_email" not in client.session


def test_anonymous_with_a_closed_invitation_goes_to_login_without_stash(client, facilitator):
    lab = make_space(creator=facilitator, name="Lab", visibility=PRIVATE)
    invitation = invite(actor=facilitator, space=lab, email="fresh@example.test")
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.REVOKED)

    response = client.get(invitation.get_absolute_url())

    assert response["Location"] == f"/accounts/login/?next=/invitations/{invitation.token}/"
    assert "agora_invitation_token" not in client.session
    assert "account_verified_email" not in client.session


def test_anonymous_post_to_invitation_changes_nothing(client, invitation):
    response = client.post(invitation.get_absolute_url(), {"decision": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_home_hides_invitations_to_archived_spaces(client_of, facilitator, outsider):
    from agora.spaces.actions import invite, update_space

    live = make_space(creator=facilitator, name="Live space")
    archived = make_space(creator=facilitator, name="Old space")
    invite(actor=facilitator, space=live, user=outsider)
    invite(actor=facilitator, space=archived, user=outsider)
    update_space(actor=facilitator, space=archived, status="archived")
    page = client_of(outsider).get("/").content.decode()
    assert "Live space" in page
    assert "Old space" not in page
