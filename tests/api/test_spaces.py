"""Space endpoints: directory, create, update, join, leave, members, roles,
invitations, join requests, activity and my invitations.

A space the caller may not see answers exactly like a missing one (404);
a visible space the caller may not act on answers 403.
"""

from __future__ import annotations

import pytest

from agora.core.models import Event
from agora.spaces import actions
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from tests.api.helpers import (
    NOT_FOUND,
    forbidden,
    invalid,
    invitation_json,
    iso,
    join_request_json,
    member_json,
    page,
    refused,
    space_json,
)
from tests.factories import UserFactory, add_member, make_space

FACILITATOR = Membership.Role.FACILITATOR
MEMBER = Membership.Role.MEMBER


@pytest.fixture
def private_space(facilitator):
    return make_space(creator=facilitator, name="Quiet Room", visibility="private")


@pytest.fixture
def secret_space(facilitator, member):
    return make_space(
        creator=facilitator, name="Skunkworks", visibility="secret", members=(member,)
    )


def event_json(event: Event) -> dict:
    return {
        "id": event.pk,
        "verb": event.verb,
        "actor_id": event.actor_id,
        "actor_name": event.actor.name if event.actor else None,
        "space_id": event.space_id,
        "text": EVENT_TEXT[event.verb] % event.data,
        "created_at": iso(event.created_at),
    }


EVENT_TEXT = {
    "space.created": "created %(space_name)s",
    "space.joined": "joined %(space_name)s",
    "space.left": "left %(space_name)s",
}


# --- the directory ---------------------------------------------------------------


def test_space_list_shows_active_visible_spaces_by_name(
    api_of, outsider, space, private_space, secret_space
):
    archived = make_space(name="Old Times")
    Space.objects.filter(pk=archived.pk).update(status=Space.Status.ARCHIVED)
    response = api_of(outsider).get("/spaces")
    assert response.status_code == 200
    assert response.json() == page([space_json(space), space_json(private_space)])


def test_space_list_of_mine_includes_secret_and_archived_spaces(
    api_of, member, space, private_space, secret_space
):
    Space.objects.filter(pk=secret_space.pk).update(status=Space.Status.ARCHIVED)
    response = api_of(member).get("/spaces", scope="mine")
    assert response.json() == page([space_json(space), space_json(secret_space)])


def test_space_list_filters_by_kind_and_text(api_of, member, space, facilitator):
    course = make_space(name="Statistics 101", kind=Space.Kind.COURSE, description="Intro")
    make_space(creator=facilitator, name="Stats Lab", kind=Space.Kind.PROJECT)
    client = api_of(member)
    assert client.get("/spaces", kind="course").json() == page([space_json(course)])
    names = [item["name"] for item in client.get("/spaces", q="STAT").json()["items"]]
    assert names == ["Statistics 101", "Stats Lab"]
    assert [item["name"] for item in client.get("/spaces", q="intro").json()["items"]] == [
        "Statistics 101"
    ]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"scope": "everything"}, {"scope": ["Input should be 'all' or 'mine'"]}),
        (
            {"kind": "club"},
            {"kind": ["Input should be 'course', 'project', 'network', 'circle' or 'community'"]},
        ),
        ({"page": 0}, {"page": ["Input should be greater than or equal to 1"]}),
        ({"page_size": 0}, {"page_size": ["Input should be greater than or equal to 1"]}),
        ({"q": "\x00"}, {"q": ["Null characters are not allowed."]}),
    ],
)
def test_space_list_refuses_bad_parameters(api_of, member, params, errors):
    response = api_of(member).get("/spaces", **params)
    assert (response.status_code, response.json()) == (422, invalid(**errors))


def test_guests_list_only_their_own_spaces(api_of, guest, space, private_space):
    add_member(private_space, guest, Membership.Role.GUEST)
    assert api_of(guest).get("/spaces").json() == page([space_json(private_space)])


def test_space_list_query_count_is_flat(api_of, member, space, assert_flat_query_count):
    client = api_of(member)
    assert_flat_query_count(
        lambda: client.get("/spaces"),
        grow=lambda: [make_space(name=f"Club {n}", members=(member,)) for n in range(5)],
    )


# --- one space ---------------------------------------------------------------------


def test_get_space(api_of, outsider, space):
    response = api_of(outsider).get(f"/spaces/{space.pk}")
    assert (response.status_code, response.json()) == (200, space_json(space))


@pytest.mark.parametrize("suffix", ["", "/members", "/activity", "/join-requests"])
def test_a_secret_space_is_404_for_outsiders_like_a_missing_one(
    api_of, outsider, secret_space, suffix
):
    client = api_of(outsider)
    for space_id in (secret_space.pk, secret_space.pk + 1000):
        response = client.get(f"/spaces/{space_id}{suffix}")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_a_secret_space_is_visible_to_its_members_and_admins(
    api_of, member, admin_user, secret_space
):
    for user in (member, admin_user):
        response = api_of(user).get(f"/spaces/{secret_space.pk}")
        assert (response.status_code, response.json()) == (200, space_json(secret_space))


# --- create --------------------------------------------------------------------------


def test_create_space_makes_me_its_facilitator(api_of, member, space):
    response = api_of(member).post(
        "/spaces",
        {
            "name": "  Reading   Group ",
            "description": "We read *papers*.",
            "kind": "circle",
            "visibility": "private",
            "parent_id": space.pk,
        },
    )
    assert response.status_code == 201
    created = Space.objects.get(slug="reading-group")
    assert response.json() == space_json(created)
    assert (created.name, created.description_html, created.parent_id, created.member_count) == (
        "Reading Group",
        "<p>We read <em>papers</em>.</p>\n",
        space.pk,
        1,
    )
    assert list(created.memberships.values_list("user_id", "role")) == [(member.pk, FACILITATOR)]
    assert Event.objects.filter(verb="space.created", space=created, actor=member).count() == 1


def test_members_may_not_create_courses(api_of, member):
    response = api_of(member).post("/spaces", {"name": "Calculus", "kind": "course"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_CREATE))
    assert Space.objects.exists() is False


def test_guests_may_not_create_spaces(api_of, guest):
    response = api_of(guest).post("/spaces", {"name": "Guest Corner"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_CREATE))


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["Field required"]}),
        ({"name": ""}, {"name": ["String should have at least 1 character"]}),
        ({"name": " \t "}, {"name": ["String should match pattern '\\S'"]}),
        ({"name": "x" * 121}, {"name": ["String should have at most 120 characters"]}),
        (
            {"name": "Club", "slug": "Not A Slug"},
            {"slug": ["String should match pattern '^$|^[a-z0-9]+(?:-[a-z0-9]+)*$'"]},
        ),
        (
            {"name": "Club", "slug": "data-club"},
            {"slug": ["Space with this Address already exists."]},
        ),
        (
            {"name": "Club", "visibility": "hidden"},
            {"visibility": ["Input should be 'open', 'private' or 'secret'"]},
        ),
        (
            {"name": "Club", "parent_id": 0},
            {"parent_id": ["Input should be greater than or equal to 1"]},
        ),
        ({"name": "Club", "parent_id": "1"}, {"parent_id": ["Input should be a valid integer"]}),
        (
            {"name": "Club", "parent_id": 10**30},
            {"parent_id": ["Input should be less than or equal to 9223372036854775807"]},
        ),
        ({"name": "Club", "parent_id": 999999}, {"parent_id": ["No such space."]}),
        ({"name": "Club", "colour": "red"}, {"colour": ["Extra inputs are not permitted"]}),
        ({"name": "Club\x00"}, {"name": ["Null characters are not allowed."]}),
        (
            {"name": "Club \ud800"},
            {
                "name": [
                    "Input should be a valid string, unable to parse raw data as a unicode string"
                ]
            },
        ),
        ([], {"__all__": ["Input should be a valid dictionary or object to extract fields from"]}),
    ],
)
def test_create_space_refuses_invalid_input(api_of, member, space, body, errors):
    response = api_of(member).post("/spaces", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert list(Space.objects.values_list("pk", flat=True)) == [space.pk]


def test_create_space_with_an_empty_body_is_422(api_of, member):
    response = api_of(member).post("/spaces")
    assert (response.status_code, response.json()) == (
        422,
        invalid(__all__=["Field required"]),
    )


def test_a_secret_parent_the_creator_cannot_see_is_no_such_space(api_of, outsider, secret_space):
    response = api_of(outsider).post("/spaces", {"name": "Sub", "parent_id": secret_space.pk})
    assert (response.status_code, response.json()) == (422, invalid(parent_id=["No such space."]))


# --- update --------------------------------------------------------------------------


def test_facilitators_update_only_the_fields_sent(api_of, facilitator, space):
    response = api_of(facilitator).patch(
        f"/spaces/{space.pk}", {"description": "All about *data*", "visibility": "private"}
    )
    assert response.status_code == 200
    assert response.json() == space_json(space)
    assert (space.name, space.visibility, space.description_html) == (
        "Data Club",
        "private",
        "<p>All about <em>data</em></p>\n",
    )
    event = Event.objects.get(verb="space.updated")
    assert event.data["fields"] == ["description", "visibility"]


def test_archiving_records_its_own_event(api_of, facilitator, space):
    response = api_of(facilitator).patch(f"/spaces/{space.pk}", {"status": "archived"})
    assert (response.status_code, response.json()["status"]) == (200, "archived")
    assert list(Event.objects.filter(space=space).values_list("verb", flat=True)) == [
        "space.archived",
        "space.created",
    ]


def test_members_may_not_update_a_space(api_of, member, space):
    response = api_of(member).patch(f"/spaces/{space.pk}", {"name": "Mine now"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MANAGE))
    space.refresh_from_db()
    assert space.name == "Data Club"


def test_outsiders_updating_a_secret_space_get_404(api_of, outsider, secret_space):
    response = api_of(outsider).patch(f"/spaces/{secret_space.pk}", {"name": "Mine now"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": None}, {"name": ["Input should be a valid string"]}),
        ({"status": None}, {"status": ["Input should be 'active' or 'archived'"]}),
        ({"description": None}, {"description": ["Input should be a valid string"]}),
        ({"slug": ""}, {"slug": ["String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"]}),
        ({"kind": "course"}, {"kind": [actions.CANNOT_CREATE]}),
        ({"member_count": 99}, {"member_count": ["Extra inputs are not permitted"]}),
    ],
)
def test_update_refuses_invalid_values(api_of, facilitator, space, body, errors):
    response = api_of(facilitator).patch(f"/spaces/{space.pk}", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    space.refresh_from_db()
    assert (space.name, space.kind, space.status, space.member_count) == (
        "Data Club",
        "community",
        "active",
        2,
    )


def test_a_space_cannot_sit_inside_itself(api_of, facilitator, space):
    child = make_space(creator=facilitator, name="Data Club Team", parent=space)
    client = api_of(facilitator)
    for parent in (space, child):
        response = client.patch(f"/spaces/{space.pk}", {"parent_id": parent.pk})
        assert (response.status_code, response.json()) == (
            422,
            invalid(parent_id=["A space cannot sit inside itself."]),
        )
    response = client.patch(f"/spaces/{child.pk}", {"parent_id": None})
    assert (response.status_code, response.json()["parent_id"]) == (200, None)


# --- join and leave --------------------------------------------------------------------


def test_join_an_open_space(api_of, outsider, space):
    response = api_of(outsider).post(f"/spaces/{space.pk}/join")
    assert response.status_code == 201
    assert response.json() == member_json(space, outsider)
    assert response.json()["role"] == MEMBER
    space.refresh_from_db()
    assert space.member_count == 3


def test_joining_twice_is_422(api_of, member, space):
    response = api_of(member).post(f"/spaces/{space.pk}/join")
    assert (response.status_code, response.json()) == (
        422,
        refused(actions.ALREADY_MEMBER, code="already_member"),
    )


def test_a_private_space_cannot_be_joined_directly(api_of, outsider, private_space):
    response = api_of(outsider).post(f"/spaces/{private_space.pk}/join")
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_JOIN))
    assert private_space.memberships.filter(user=outsider).exists() is False


def test_joining_a_secret_space_is_404(api_of, outsider, secret_space):
    response = api_of(outsider).post(f"/spaces/{secret_space.pk}/join")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert secret_space.memberships.filter(user=outsider).exists() is False


def test_leave_a_space(api_of, member, space):
    response = api_of(member).post(f"/spaces/{space.pk}/leave")
    assert (response.status_code, response.content) == (204, b"")
    assert space.memberships.filter(user=member).exists() is False


def test_the_last_facilitator_cannot_leave(api_of, facilitator, space):
    response = api_of(facilitator).post(f"/spaces/{space.pk}/leave")
    assert (response.status_code, response.json()) == (
        422,
        refused(actions.LAST_FACILITATOR, code="last_facilitator"),
    )
    assert space.memberships.filter(user=facilitator, role=FACILITATOR).exists() is True


def test_leaving_a_space_i_am_not_in_is_422(api_of, outsider, space):
    response = api_of(outsider).post(f"/spaces/{space.pk}/leave")
    assert (response.status_code, response.json()) == (
        422,
        refused(actions.NOT_A_MEMBER, code="not_member"),
    )


# --- members and roles -------------------------------------------------------------------


def test_members_are_listed_facilitators_first(api_of, outsider, space, facilitator, member):
    zoe = UserFactory(name="Aaron Early")
    add_member(space, zoe)
    response = api_of(outsider).get(f"/spaces/{space.pk}/members")
    assert response.status_code == 200
    assert response.json() == page(
        [member_json(space, u) for u in (facilitator, zoe, member)], size=50
    )


def test_members_of_a_private_space_are_for_its_members(api_of, outsider, private_space):
    response = api_of(outsider).get(f"/spaces/{private_space.pk}/members")
    assert (response.status_code, response.json()) == (
        403,
        forbidden("Join this space to see its content."),
    )


def test_member_list_query_count_is_flat(api_of, member, space, assert_flat_query_count):
    client = api_of(member)
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{space.pk}/members"),
        grow=lambda: [add_member(space, UserFactory()) for _ in range(5)],
    )


def test_facilitators_change_roles(api_of, facilitator, member, space):
    response = api_of(facilitator).patch(
        f"/spaces/{space.pk}/members/{member.pk}", {"role": "facilitator"}
    )
    assert response.status_code == 200
    assert response.json() == member_json(space, member)
    assert response.json()["role"] == FACILITATOR
    event = Event.objects.get(verb="member.role_changed")
    assert (event.data["old"], event.data["new"]) == ("member", "facilitator")


def test_members_may_not_change_roles(api_of, member, facilitator, space):
    response = api_of(member).patch(
        f"/spaces/{space.pk}/members/{facilitator.pk}", {"role": "guest"}
    )
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MANAGE))
    assert space.memberships.get(user=facilitator).role == FACILITATOR


def test_the_last_facilitator_keeps_the_role(api_of, facilitator, space):
    response = api_of(facilitator).patch(
        f"/spaces/{space.pk}/members/{facilitator.pk}", {"role": "member"}
    )
    assert (response.status_code, response.json()) == (
        422,
        invalid(role=[actions.LAST_FACILITATOR]),
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"role": "owner"}, {"role": ["Input should be 'facilitator', 'member' or 'guest'"]}),
        ({}, {"role": ["Field required"]}),
    ],
)
def test_role_change_refuses_unknown_roles(api_of, facilitator, member, space, body, errors):
    response = api_of(facilitator).patch(f"/spaces/{space.pk}/members/{member.pk}", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))


def test_changing_the_role_of_a_non_member_is_404(api_of, facilitator, outsider, space):
    response = api_of(facilitator).patch(
        f"/spaces/{space.pk}/members/{outsider.pk}", {"role": "member"}
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("user_id", "message"),
    [
        ("0", "Input should be greater than or equal to 1"),
        ("-1", "Input should be greater than or equal to 1"),
        (str(2**63), "Input should be less than or equal to 9223372036854775807"),
        ("1e3", "Input should be a valid integer, unable to parse string as an integer"),
    ],
)
def test_ids_in_urls_out_of_range_are_422(api_of, facilitator, space, user_id, message):
    response = api_of(facilitator).delete(f"/spaces/{space.pk}/members/{user_id}")
    assert (response.status_code, response.json()) == (422, invalid(user_id=[message]))
    assert space.memberships.count() == 2


def test_facilitators_remove_members(api_of, facilitator, member, space):
    response = api_of(facilitator).delete(f"/spaces/{space.pk}/members/{member.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert list(space.memberships.values_list("user_id", flat=True)) == [facilitator.pk]
    space.refresh_from_db()
    assert space.member_count == 1


def test_members_may_not_remove_anyone(api_of, member, facilitator, space):
    response = api_of(member).delete(f"/spaces/{space.pk}/members/{facilitator.pk}")
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MANAGE))
    assert space.memberships.count() == 2


def test_the_last_facilitator_cannot_be_removed(api_of, admin_user, facilitator, space):
    response = api_of(admin_user).delete(f"/spaces/{space.pk}/members/{facilitator.pk}")
    assert (response.status_code, response.json()) == (
        422,
        refused(actions.LAST_FACILITATOR, code="last_facilitator"),
    )


# --- invitations ---------------------------------------------------------------------------


def test_invite_by_email(api_of, facilitator, space):
    response = api_of(facilitator).post(
        f"/spaces/{space.pk}/invitations",
        {"email": " New.Person@Example.test ", "role": "guest", "message": "Welcome!"},
    )
    assert response.status_code == 201
    invitation = Invitation.objects.get(space=space)
    assert response.json() == invitation_json(invitation)
    assert (invitation.email, invitation.role, invitation.status, invitation.message) == (
        "new.person@example.test",
        "guest",
        "pending",
        "Welcome!",
    )


def test_invite_by_account(api_of, facilitator, outsider, space):
    response = api_of(facilitator).post(f"/spaces/{space.pk}/invitations", {"user_id": outsider.pk})
    assert response.status_code == 201
    invitation = Invitation.objects.get(space=space)
    assert (invitation.invitee_id, invitation.email, invitation.role) == (
        outsider.pk,
        outsider.email,
        MEMBER,
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"email": ["Give an email address or a user_id."]}),
        ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"user_id": 999999}, {"user_id": ["No such person."]}),
        ({"user_id": -5}, {"user_id": ["Input should be greater than or equal to 1"]}),
        (
            {"email": "a@b.test", "role": "boss"},
            {"role": ["Input should be 'facilitator', 'member' or 'guest'"]},
        ),
        (
            {"email": "a@b.test", "message": "x" * 501},
            {"message": ["String should have at most 500 characters"]},
        ),
    ],
)
def test_invite_refuses_invalid_input(api_of, facilitator, space, body, errors):
    response = api_of(facilitator).post(f"/spaces/{space.pk}/invitations", body)
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert Invitation.objects.exists() is False


def test_inviting_a_member_or_twice_is_422(api_of, facilitator, member, space):
    client = api_of(facilitator)
    response = client.post(f"/spaces/{space.pk}/invitations", {"user_id": member.pk})
    assert (response.status_code, response.json()) == (
        422,
        invalid(email=[actions.ALREADY_MEMBER]),
    )
    assert client.post(f"/spaces/{space.pk}/invitations", {"email": "x@y.test"}).status_code == 201
    response = client.post(f"/spaces/{space.pk}/invitations", {"email": "X@y.test"})
    assert (response.status_code, response.json()) == (
        422,
        invalid(email=["This person already has a pending invitation."]),
    )


def test_members_may_not_invite(api_of, member, space):
    response = api_of(member).post(f"/spaces/{space.pk}/invitations", {"email": "x@y.test"})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MANAGE))
    assert Invitation.objects.exists() is False


def test_my_invitations_are_listed_and_accepted(api_of, facilitator, outsider, space):
    invitation = actions.invite(actor=facilitator, space=space, user=outsider)
    client = api_of(outsider)
    assert client.get("/me/invitations").json() == page([invitation_json(invitation)])
    response = client.post(f"/me/invitations/{invitation.pk}/accept")
    assert response.status_code == 201
    assert response.json() == member_json(space, outsider)
    assert invitation_json(invitation)["status"] == "accepted"
    assert client.get("/me/invitations").json() == page([])


def test_an_email_invitation_reaches_the_account_with_that_email(
    api_of, facilitator, outsider, space
):
    invitation = actions.invite(actor=facilitator, space=space, email=outsider.email.upper())
    response = api_of(outsider).post(f"/me/invitations/{invitation.pk}/accept")
    assert (response.status_code, response.json()["role"]) == (201, MEMBER)


def test_decline_an_invitation(api_of, facilitator, outsider, space):
    invitation = actions.invite(actor=facilitator, space=space, user=outsider)
    response = api_of(outsider).post(f"/me/invitations/{invitation.pk}/decline")
    assert (response.status_code, response.content) == (204, b"")
    assert invitation_json(invitation)["status"] == "declined"
    assert space.memberships.filter(user=outsider).exists() is False


def test_someone_elses_or_a_closed_invitation_is_404(api_of, facilitator, outsider, space):
    invitation = actions.invite(actor=facilitator, space=space, user=outsider)
    stranger = UserFactory(name="Sam Stranger")
    for action in ("accept", "decline"):
        response = api_of(stranger).post(f"/me/invitations/{invitation.pk}/{action}")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    actions.decline_invitation(user=outsider, invitation=invitation)
    response = api_of(outsider).post(f"/me/invitations/{invitation.pk}/accept")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert space.memberships.filter(user__in=[outsider, stranger]).exists() is False


def test_my_invitations_query_count_is_flat(api_of, outsider, assert_flat_query_count):
    client = api_of(outsider)

    def invite_to_a_new_space(name: str) -> None:
        host = UserFactory()
        actions.invite(actor=host, space=make_space(creator=host, name=name), user=outsider)

    def grow() -> None:
        for n in range(5):
            invite_to_a_new_space(f"Space {n}")

    invite_to_a_new_space("First")
    assert_flat_query_count(lambda: client.get("/me/invitations"), grow=grow)


# --- join requests -------------------------------------------------------------------------


def test_ask_to_join_a_private_space(api_of, outsider, private_space):
    response = api_of(outsider).post(
        f"/spaces/{private_space.pk}/join-requests", {"message": "I study this."}
    )
    assert response.status_code == 201
    join_request = JoinRequest.objects.get(space=private_space)
    assert response.json() == join_request_json(join_request)
    assert (join_request.user_id, join_request.message, join_request.status) == (
        outsider.pk,
        "I study this.",
        "pending",
    )


def test_asking_twice_is_422(api_of, outsider, private_space):
    client = api_of(outsider)
    assert client.post(f"/spaces/{private_space.pk}/join-requests", {}).status_code == 201
    response = client.post(f"/spaces/{private_space.pk}/join-requests", {})
    detail = "You have already asked to join; the facilitators will decide."
    assert (response.status_code, response.json()) == (422, refused(detail))


def test_open_spaces_take_no_join_requests(api_of, outsider, space):
    response = api_of(outsider).post(f"/spaces/{space.pk}/join-requests", {})
    assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_REQUEST))


def test_facilitators_list_and_approve_requests(api_of, facilitator, outsider, private_space):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    client = api_of(facilitator)
    listed = client.get(f"/spaces/{private_space.pk}/join-requests")
    assert listed.json() == page([join_request_json(join_request)], size=50)
    response = client.post(
        f"/spaces/{private_space.pk}/join-requests/{join_request.pk}", {"approve": True}
    )
    assert response.status_code == 200
    assert response.json() == join_request_json(join_request)
    assert response.json()["status"] == "approved"
    assert private_space.memberships.get(user=outsider).role == MEMBER
    again = client.post(
        f"/spaces/{private_space.pk}/join-requests/{join_request.pk}", {"approve": False}
    )
    assert (again.status_code, again.json()) == (
        422,
        refused(actions.REQUEST_CLOSED, code="closed"),
    )


def test_declining_a_request_adds_no_member(api_of, facilitator, outsider, private_space):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    response = api_of(facilitator).post(
        f"/spaces/{private_space.pk}/join-requests/{join_request.pk}", {"approve": False}
    )
    assert (response.status_code, response.json()["status"]) == (200, "declined")
    assert private_space.memberships.filter(user=outsider).exists() is False


def test_members_may_not_see_or_decide_requests(api_of, facilitator, outsider, private_space):
    colleague = UserFactory(name="Carl Colleague")
    add_member(private_space, colleague)
    join_request = actions.request_to_join(user=outsider, space=private_space)
    client = api_of(colleague)
    listed = client.get(f"/spaces/{private_space.pk}/join-requests")
    decided = client.post(
        f"/spaces/{private_space.pk}/join-requests/{join_request.pk}", {"approve": True}
    )
    for response in (listed, decided):
        assert (response.status_code, response.json()) == (403, forbidden(actions.CANNOT_MANAGE))
    assert join_request_json(join_request)["status"] == "pending"


def test_a_request_of_another_space_is_404(api_of, facilitator, outsider, private_space, space):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    response = api_of(facilitator).post(
        f"/spaces/{space.pk}/join-requests/{join_request.pk}", {"approve": True}
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"approve": ["Field required"]}),
        ({"approve": "yes"}, {"approve": ["Input should be a valid boolean"]}),
        ({"approve": 1}, {"approve": ["Input should be a valid boolean"]}),
    ],
)
def test_a_decision_must_be_true_or_false(
    api_of, facilitator, outsider, private_space, body, errors
):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    response = api_of(facilitator).post(
        f"/spaces/{private_space.pk}/join-requests/{join_request.pk}", body
    )
    assert (response.status_code, response.json()) == (422, invalid(**errors))
    assert join_request_json(join_request)["status"] == "pending"


def test_join_request_list_query_count_is_flat(
    api_of, facilitator, private_space, assert_flat_query_count
):
    actions.request_to_join(user=UserFactory(), space=private_space)
    client = api_of(facilitator)
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{private_space.pk}/join-requests"),
        grow=lambda: [
            actions.request_to_join(user=UserFactory(), space=private_space) for _ in range(5)
        ],
    )


# --- activity ------------------------------------------------------------------------------


def test_space_activity_is_newest_first(api_of, outsider, member, space):
    actions.leave_space(user=member, space=space)
    response = api_of(outsider).get(f"/spaces/{space.pk}/activity")
    events = list(Event.objects.filter(space=space).order_by("-created_at", "-pk"))
    assert [event.verb for event in events] == ["space.left", "space.created"]
    assert response.json() == page([event_json(event) for event in events])
    assert response.json()["items"][0]["text"] == "left Data Club"


def test_activity_of_a_private_space_is_for_its_members(api_of, outsider, private_space):
    response = api_of(outsider).get(f"/spaces/{private_space.pk}/activity")
    assert (response.status_code, response.json()) == (
        403,
        forbidden("Join this space to see its content."),
    )


def test_my_activity_comes_from_my_spaces_only(api_of, member, outsider, space, facilitator):
    elsewhere = make_space(creator=facilitator, name="Elsewhere")
    actions.join_space(user=outsider, space=space)
    response = api_of(member).get("/activity")
    events = Event.objects.filter(space=space).order_by("-created_at", "-pk")
    assert response.json() == page([event_json(event) for event in events])
    assert elsewhere.pk not in [item["space_id"] for item in response.json()["items"]]


def test_space_activity_query_count_is_flat(api_of, member, space, assert_flat_query_count):
    client = api_of(member)

    def grow() -> None:
        for _ in range(5):
            actions.join_space(user=UserFactory(), space=space)

    assert_flat_query_count(lambda: client.get(f"/spaces/{space.pk}/activity"), grow=grow)


def test_my_activity_query_count_is_flat(api_of, member, space, assert_flat_query_count):
    client = api_of(member)

    def grow() -> None:
        for n in range(5):
            other = make_space(name=f"Club {n}")
            actions.join_space(user=member, space=other)

    assert_flat_query_count(lambda: client.get("/activity"), grow=grow)
