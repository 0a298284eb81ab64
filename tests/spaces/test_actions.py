"""Every write to spaces, memberships, invitations and join requests.

Each action is checked for its happy path (the exact rows and the exact
event), each refusal (PermissionDenied, and nothing changed: no rows, no
events), each validation error (with its field) and the invariants: a
space keeps a facilitator, `member_count` stays right, one pending
invitation per address.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from agora.accounts.models import User
from agora.core.models import Event
from agora.spaces import actions
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from agora.spaces.permissions import can_see, role_in
from tests.events import events_since, last_event_id
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db

FACILITATOR, MEMBER, GUEST = (
    Membership.Role.FACILITATOR,
    Membership.Role.MEMBER,
    Membership.Role.GUEST,
)
OPEN, PRIVATE, SECRET = Space.Visibility.OPEN, Space.Visibility.PRIVATE, Space.Visibility.SECRET


# --- helpers -----------------------------------------------------------------


def state() -> dict[str, Any]:
    """Everything the space actions may write, to prove a refusal changed nothing."""
    return {
        "spaces": sorted(
            Space.objects.values_list(
                "pk",
                "name",
                "slug",
                "description",
                "kind",
                "visibility",
                "status",
                "parent_id",
                "member_count",
            )
        ),
        "memberships": sorted(Membership.objects.values_list("space_id", "user_id", "role")),
        "invitations": sorted(
            Invitation.objects.values_list("pk", "space_id", "email", "invitee_id", "status")
        ),
        "join_requests": sorted(
            JoinRequest.objects.values_list("pk", "space_id", "user_id", "status", "decided_by")
        ),
        "events": Event.objects.count(),
    }


def snapshot(space: Space) -> dict[str, str]:
    return {"space_name": space.name, "space_slug": space.slug}


def members_of(space: Space) -> list[tuple[str, str]]:
    return sorted(
        Membership.objects.filter(space=space).values_list("user__name", "role"),
    )


def count_of(space: Space) -> int:
    return Space.objects.get(pk=space.pk).member_count


@pytest.fixture
def staff(db) -> User:
    return UserFactory(name="Stella Staff", org_role=User.OrgRole.STAFF)


@pytest.fixture
def private_space(facilitator) -> Space:
    return make_space(creator=facilitator, name="Inner Circle", visibility=PRIVATE)


@pytest.fixture
def course(staff, member) -> Space:
    """A course run by a member-level instructor; learning staff manage it too."""
    instructor = UserFactory(name="Ivan Instructor")
    space = make_space(creator=staff, name="Statistics 101", kind=Space.Kind.COURSE)
    add_member(space, instructor, FACILITATOR)
    Membership.objects.filter(space=space, user=staff).delete()
    Space.objects.filter(pk=space.pk).update(member_count=1)
    space.refresh_from_db()
    return space


# --- create_space ---------------------------------------------------------------


def test_create_space_makes_creator_the_facilitator_and_records_it(member):
    before = last_event_id()
    space = actions.create_space(
        creator=member,
        name="  Data   Club ",
        kind=Space.Kind.NETWORK,
        visibility=PRIVATE,
        description="We meet *weekly*.",
    )
    space.refresh_from_db()
    assert (space.name, space.slug, space.kind, space.visibility, space.status) == (
        "Data Club",
        "data-club",
        "network",
        "private",
        "active",
    )
    assert space.description_html == "<p>We meet <em>weekly</em>.</p>\n"
    assert space.created_by == member
    assert space.member_count == 1
    assert members_of(space) == [("Mia Member", "facilitator")]
    assert events_since(before) == [
        ("space.created", member.pk, space.pk, "space", space.pk, snapshot(space))
    ]


def test_create_space_picks_a_free_slug(member):
    first = actions.create_space(creator=member, name="Data Club")
    second = actions.create_space(creator=member, name="Data Club")
    third = actions.create_space(creator=member, name="¡¡!!")
    assert (first.slug, second.slug, third.slug) == ("data-club", "data-club-2", "space")


def test_create_space_sanitizes_the_description(member):
    space = actions.create_space(
        creator=member,
        name="Safe",
        description='<script>alert("x")</script>\n\n[link](javascript:alert(1))',
    )
    assert "<script" not in space.description_html
    assert "&lt;script&gt;" in space.description_html
    assert "href" not in space.description_html


def test_create_space_inside_a_parent(staff, member):
    course = make_space(creator=staff, name="Course", kind=Space.Kind.COURSE)
    team = actions.create_space(creator=member, name="Team A", kind="project", parent=course)
    assert Space.objects.get(pk=team.pk).parent == course


@pytest.mark.parametrize(
    ("_case", "org_role", "kind"),
    [
        ("members may not start courses", User.OrgRole.MEMBER, Space.Kind.COURSE),
        ("advocates may not start courses", User.OrgRole.ADVOCATE, Space.Kind.COURSE),
        ("guests may not start anything", User.OrgRole.GUEST, Space.Kind.COMMUNITY),
    ],
)
def test_create_space_refused(db, _case, org_role, kind):
    person = UserFactory(org_role=org_role)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.create_space(creator=person, name="Not allowed", kind=kind)
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Bad slug", "slug": "Bad Slug!"}, "slug"),
        ({"name": "Taken", "slug": "data-club"}, "slug"),
        ({"name": "Odd kind", "kind": "guild"}, "kind"),
        ({"name": "Odd visibility", "visibility": "hidden"}, "visibility"),
        ({"name": "Long", "description": "x" * 10001}, "description"),
    ],
)
def test_create_space_validation_errors(space, member, fields, error_field):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.create_space(creator=member, **fields)
    assert list(raised.value.message_dict) == [error_field]
    assert state() == before


def test_create_space_refuses_a_parent_the_creator_cannot_see(facilitator, outsider):
    hidden = make_space(creator=facilitator, name="Hidden", visibility=SECRET)
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.create_space(creator=outsider, name="Child", parent=hidden)
    assert raised.value.message_dict == {"parent": ["Choose a space you can see."]}
    assert state() == before


# --- update_space ---------------------------------------------------------------


def test_update_space_records_changed_fields(space, facilitator):
    before = last_event_id()
    actions.update_space(
        actor=facilitator, space=space, name="Data  Club Plus", description="**New**"
    )
    space.refresh_from_db()
    assert (space.name, space.description, space.description_html) == (
        "Data Club Plus",
        "**New**",
        "<p><strong>New</strong></p>\n",
    )
    assert space.slug == "data-club"
    assert events_since(before) == [
        (
            "space.updated",
            facilitator.pk,
            space.pk,
            "space",
            space.pk,
            {"fields": ["description", "name"], **snapshot(space)},
        )
    ]


def test_archive_and_restore_record_their_own_verbs(space, facilitator):
    before = last_event_id()
    actions.update_space(actor=facilitator, space=space, status=Space.Status.ARCHIVED)
    assert Space.objects.get(pk=space.pk).status == "archived"
    middle = last_event_id()
    actions.update_space(actor=facilitator, space=space, status=Space.Status.ACTIVE)
    assert Space.objects.get(pk=space.pk).status == "active"
    assert events_since(before) == [
        ("space.archived", facilitator.pk, space.pk, "space", space.pk, snapshot(space)),
        ("space.restored", facilitator.pk, space.pk, "space", space.pk, snapshot(space)),
    ]
    assert events_since(middle)[0][0] == "space.restored"


def test_archive_with_other_changes_records_both(space, admin_user):
    before = last_event_id()
    actions.update_space(actor=admin_user, space=space, status="archived", visibility=PRIVATE)
    assert [(verb, data) for verb, _a, _s, _m, _t, data in events_since(before)] == [
        ("space.archived", snapshot(space)),
        ("space.updated", {"fields": ["visibility"], **snapshot(space)}),
    ]


def test_learning_staff_update_courses(course, staff):
    actions.update_space(actor=staff, space=course, description="Week 1: means")
    assert Space.objects.get(pk=course.pk).description == "Week 1: means"


@pytest.mark.parametrize("actor_name", ["member", "outsider", "guest", "staff"])
def test_update_space_refused_to_non_managers(request, space, actor_name, staff):
    actor = request.getfixturevalue(actor_name)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.update_space(actor=actor, space=space, name="Taken over")
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"owner": 1, "colour": "red"},
            {"colour": ["Unknown field."], "owner": ["Unknown field."]},
        ),
        ({"kind": "course"}, {"kind": ["You may not create this kind of space."]}),
        ({"name": ""}, {"name": ["This field cannot be blank."]}),
        ({"slug": "no spaces"}, "slug"),
        ({"visibility": "hidden"}, "visibility"),
        ({"status": "deleted"}, "status"),
        ({"description": "x" * 10001}, "description"),
        ({"description": None}, {"description": ["This field may not be empty."]}),
    ],
)
def test_update_space_validation_errors(space, facilitator, changes, errors):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.update_space(actor=facilitator, space=space, **changes)
    if isinstance(errors, dict):
        assert raised.value.message_dict == errors
    else:
        assert list(raised.value.message_dict) == [errors]
    assert state() == before


def test_update_space_refuses_a_parent_loop(space, facilitator):
    child = actions.create_space(creator=facilitator, name="Child", parent=space)
    grandchild = actions.create_space(creator=facilitator, name="Grandchild", parent=child)
    before = state()
    for parent in (space, grandchild):
        with pytest.raises(ValidationError) as raised:
            actions.update_space(actor=facilitator, space=space, parent=parent)
        assert raised.value.message_dict == {"parent": ["A space cannot sit inside itself."]}
    assert state() == before


# --- join_space and leave_space ------------------------------------------------


def test_join_open_space(space, outsider):
    before = last_event_id()
    membership = actions.join_space(user=outsider, space=space)
    assert (membership.space, membership.user, membership.role) == (space, outsider, "member")
    assert count_of(space) == 3
    assert space.member_count == 3
    assert role_in(outsider, space) == "member"
    assert events_since(before) == [
        ("space.joined", outsider.pk, space.pk, "membership", membership.pk, snapshot(space))
    ]


def test_join_twice_is_a_validation_error(space, member):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.join_space(user=member, space=space)
    assert raised.value.messages == ["Already a member of this space."]
    assert state() == before


@pytest.mark.parametrize(
    ("_case", "visibility", "status", "org_role"),
    [
        ("a private space needs a request", PRIVATE, "active", User.OrgRole.MEMBER),
        ("a secret space needs an invitation", SECRET, "active", User.OrgRole.MEMBER),
        ("an archived space takes nobody", OPEN, "archived", User.OrgRole.MEMBER),
        ("outside guests join only by invitation", OPEN, "active", User.OrgRole.GUEST),
    ],
)
def test_join_refused(facilitator, _case, visibility, status, org_role):
    space = make_space(creator=facilitator, name="Closed", visibility=visibility)
    Space.objects.filter(pk=space.pk).update(status=status)
    space.refresh_from_db()
    person = UserFactory(org_role=org_role)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.join_space(user=person, space=space)
    assert state() == before


def test_leave_space(space, member):
    before = last_event_id()
    actions.leave_space(user=member, space=space)
    assert members_of(space) == [("Fay Facilitator", "facilitator")]
    assert count_of(space) == 1
    assert role_in(member, space) is None
    assert events_since(before) == [
        ("space.left", member.pk, space.pk, "space", space.pk, snapshot(space))
    ]


def test_leave_space_when_not_a_member(space, outsider):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.leave_space(user=outsider, space=space)
    assert raised.value.code == "not_member"
    assert state() == before


def test_last_facilitator_may_not_leave(space, facilitator):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.leave_space(user=facilitator, space=space)
    assert (raised.value.code, raised.value.messages) == (
        "last_facilitator",
        [actions.LAST_FACILITATOR],
    )
    assert state() == before


def test_a_facilitator_may_leave_once_another_is_named(space, facilitator, member):
    actions.change_role(actor=facilitator, space=space, user=member, role=FACILITATOR)
    actions.leave_space(user=facilitator, space=space)
    assert members_of(space) == [("Mia Member", "facilitator")]
    assert count_of(space) == 1


# --- remove_member --------------------------------------------------------------


def test_facilitator_removes_a_member(space, facilitator, member):
    before = last_event_id()
    actions.remove_member(actor=facilitator, space=space, user=member)
    assert members_of(space) == [("Fay Facilitator", "facilitator")]
    assert count_of(space) == 1
    assert role_in(member, space) is None
    assert events_since(before) == [
        (
            "member.removed",
            facilitator.pk,
            space.pk,
            "space",
            space.pk,
            {"user_id": member.pk, "user_name": "Mia Member", **snapshot(space)},
        )
    ]


def test_admin_removes_a_member_without_belonging(space, admin_user, member):
    actions.remove_member(actor=admin_user, space=space, user=member)
    assert members_of(space) == [("Fay Facilitator", "facilitator")]


@pytest.mark.parametrize("actor_name", ["member", "outsider", "staff"])
def test_remove_member_refused_to_non_managers(request, space, facilitator, actor_name):
    actor = request.getfixturevalue(actor_name)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.remove_member(actor=actor, space=space, user=facilitator)
    assert state() == before


def test_remove_member_who_is_not_there(space, facilitator, outsider):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.remove_member(actor=facilitator, space=space, user=outsider)
    assert raised.value.code == "not_member"
    assert state() == before


def test_the_last_facilitator_cannot_be_removed(space, facilitator, admin_user):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.remove_member(actor=admin_user, space=space, user=facilitator)
    assert raised.value.code == "last_facilitator"
    assert state() == before


# --- change_role ----------------------------------------------------------------


def test_change_role_records_old_and_new(space, facilitator, member):
    before = last_event_id()
    membership = actions.change_role(actor=facilitator, space=space, user=member, role=GUEST)
    assert membership.role == "guest"
    assert members_of(space) == [("Fay Facilitator", "facilitator"), ("Mia Member", "guest")]
    assert role_in(member, space) == "guest"
    assert events_since(before) == [
        (
            "member.role_changed",
            facilitator.pk,
            space.pk,
            "membership",
            membership.pk,
            {
                "user_id": member.pk,
                "user_name": "Mia Member",
                "old": "member",
                "new": "guest",
                **snapshot(space),
            },
        )
    ]


def test_change_role_to_the_same_role_records_nothing(space, facilitator, member):
    before = state()
    actions.change_role(actor=facilitator, space=space, user=member, role=MEMBER)
    assert state() == before


def test_the_last_facilitator_cannot_be_demoted(space, facilitator, admin_user):
    before = state()
    for actor in (facilitator, admin_user):
        with pytest.raises(ValidationError) as raised:
            actions.change_role(actor=actor, space=space, user=facilitator, role=MEMBER)
        assert raised.value.message_dict == {"role": [actions.LAST_FACILITATOR]}
    assert state() == before


def test_a_facilitator_may_step_down_once_another_is_named(space, facilitator, member):
    actions.change_role(actor=facilitator, space=space, user=member, role=FACILITATOR)
    actions.change_role(actor=facilitator, space=space, user=facilitator, role=MEMBER)
    assert members_of(space) == [("Fay Facilitator", "member"), ("Mia Member", "facilitator")]


def test_change_role_validation(space, facilitator, member, outsider):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.change_role(actor=facilitator, space=space, user=member, role="owner")
    assert raised.value.message_dict == {"role": ["Choose facilitator, member or guest."]}
    with pytest.raises(ValidationError) as raised:
        actions.change_role(actor=facilitator, space=space, user=outsider, role=MEMBER)
    assert raised.value.code == "not_member"
    assert state() == before


@pytest.mark.parametrize("actor_name", ["member", "outsider"])
def test_change_role_refused_to_non_managers(request, space, member, actor_name):
    actor = request.getfixturevalue(actor_name)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.change_role(actor=actor, space=space, user=member, role=FACILITATOR)
    assert state() == before


# --- invite ---------------------------------------------------------------------


def test_invite_an_account(space, facilitator, outsider):
    before = last_event_id()
    invitation = actions.invite(
        actor=facilitator, space=space, user=outsider, role=GUEST, message="Join us"
    )
    invitation.refresh_from_db()
    assert (
        invitation.email,
        invitation.invitee,
        invitation.invited_by,
        invitation.role,
        invitation.status,
        invitation.message,
    ) == (outsider.email, outsider, facilitator, "guest", "pending", "Join us")
    assert events_since(before) == [
        (
            "invitation.sent",
            facilitator.pk,
            space.pk,
            "invitation",
            invitation.pk,
            {"email": outsider.email, "invitee_id": outsider.pk, **snapshot(space)},
        )
    ]
    # Inviting does not make anyone a member yet.
    assert count_of(space) == 2


def test_invite_by_email_links_an_existing_account(space, facilitator, outsider):
    invitation = actions.invite(
        actor=facilitator, space=space, email=f"  {outsider.email.upper()} "
    )
    assert (invitation.email, invitation.invitee) == (outsider.email, outsider)


def test_invite_by_email_of_a_newcomer(space, facilitator):
    before = last_event_id()
    invitation = actions.invite(actor=facilitator, space=space, email="New.Person@Example.test")
    assert (invitation.email, invitation.invitee) == ("new.person@example.test", None)
    assert events_since(before)[0][5] == {
        "email": "new.person@example.test",
        "invitee_id": None,
        **snapshot(space),
    }


def test_invitation_email_is_sent_after_commit(
    space, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite(actor=facilitator, space=space, email="friend@example.test")
    assert [message.to for message in mail.outbox] == [["friend@example.test"]]
    assert invitation.get_absolute_url() in mail.outbox[0].body


def test_one_pending_invitation_per_email(space, facilitator, outsider):
    first = actions.invite(actor=facilitator, space=space, email="friend@example.test")
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.invite(actor=facilitator, space=space, email="FRIEND@example.test")
    assert raised.value.message_dict == {"email": ["This person already has a pending invitation."]}
    assert state() == before
    # Once that invitation is closed, a new one may go out.
    actions.revoke_invitation(actor=facilitator, invitation=first)
    second = actions.invite(actor=facilitator, space=space, email="friend@example.test")
    assert list(
        Invitation.objects.filter(space=space).order_by("pk").values_list("pk", "status")
    ) == [(first.pk, "revoked"), (second.pk, "pending")]


def test_invite_refuses_members(space, facilitator, member):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.invite(actor=facilitator, space=space, email=member.email)
    assert raised.value.message_dict == {"email": ["Already a member of this space."]}
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"email": "not-an-address"}, {"email": ["Enter a valid email address."]}),
        ({"email": ""}, {"email": ["Enter a valid email address."]}),
        (
            {"email": "a@example.test", "role": "owner"},
            {"role": ["Choose facilitator, member or guest."]},
        ),
        (
            {"email": "a@example.test", "message": "x" * 501},
            {"message": ["Keep the message under 500 characters."]},
        ),
    ],
)
def test_invite_validation_errors(space, facilitator, fields, errors):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.invite(actor=facilitator, space=space, **fields)
    assert raised.value.message_dict == errors
    assert state() == before


@pytest.mark.parametrize("actor_name", ["member", "outsider", "guest"])
def test_invite_refused_to_non_managers(request, space, actor_name):
    actor = request.getfixturevalue(actor_name)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.invite(actor=actor, space=space, email="friend@example.test")
    assert state() == before


def test_invite_refused_in_an_archived_space(space, facilitator):
    actions.update_space(actor=facilitator, space=space, status="archived")
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.invite(actor=facilitator, space=space, email="friend@example.test")
    assert raised.value.code == "archived"
    assert state() == before


# --- accept, decline, revoke an invitation -------------------------------------


@pytest.fixture
def secret_space(facilitator) -> Space:
    return make_space(creator=facilitator, name="Skunkworks", visibility=SECRET)


def test_accept_invitation_joins_with_its_role(secret_space, facilitator, guest):
    invitation = actions.invite(actor=facilitator, space=secret_space, user=guest, role=GUEST)
    assert can_see(guest, secret_space) is False
    before = last_event_id()
    membership = actions.accept_invitation(user=guest, invitation=invitation)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.invitee) == ("accepted", guest)
    assert invitation.responded_at is not None
    assert (membership.user, membership.role) == (guest, "guest")
    assert count_of(secret_space) == 2
    assert can_see(guest, secret_space) is True
    assert events_since(before) == [
        (
            "space.joined",
            guest.pk,
            secret_space.pk,
            "membership",
            membership.pk,
            {"via": "invitation", **snapshot(secret_space)},
        )
    ]


def test_an_email_invitation_is_accepted_by_the_account_with_that_address(
    secret_space, facilitator
):
    invitation = actions.invite(actor=facilitator, space=secret_space, email="late@example.test")
    newcomer = UserFactory(email="Late@Example.test", name="Lee Late")
    actions.accept_invitation(user=newcomer, invitation=invitation)
    assert members_of(secret_space) == [("Fay Facilitator", "facilitator"), ("Lee Late", "member")]
    assert Invitation.objects.get(pk=invitation.pk).invitee == newcomer


def test_accepting_an_invitation_sent_to_another_address_is_refused(
    secret_space, facilitator, outsider, member
):
    invitation = actions.invite(actor=facilitator, space=secret_space, user=outsider)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.accept_invitation(user=member, invitation=invitation)
    with pytest.raises(PermissionDenied):
        actions.decline_invitation(user=member, invitation=invitation)
    assert state() == before


@pytest.mark.parametrize("closed_by", ["accept", "decline", "revoke"])
def test_a_closed_invitation_cannot_be_answered_again(
    secret_space, facilitator, outsider, closed_by
):
    invitation = actions.invite(actor=facilitator, space=secret_space, user=outsider)
    # A copy read before the answer (another request, another tab): still "pending".
    stale = Invitation.objects.get(pk=invitation.pk)
    if closed_by == "accept":
        actions.accept_invitation(user=outsider, invitation=invitation)
    elif closed_by == "decline":
        actions.decline_invitation(user=outsider, invitation=invitation)
    else:
        actions.revoke_invitation(actor=facilitator, invitation=invitation)
    before = state()
    assert stale.status == "pending"
    for answer in (
        lambda: actions.accept_invitation(user=outsider, invitation=stale),
        lambda: actions.decline_invitation(user=outsider, invitation=stale),
        lambda: actions.revoke_invitation(actor=facilitator, invitation=stale),
    ):
        with pytest.raises(ValidationError) as raised:
            answer()
        assert raised.value.code == "closed"
    assert state() == before


def test_accepting_into_an_archived_space_is_refused(secret_space, facilitator, outsider):
    invitation = actions.invite(actor=facilitator, space=secret_space, user=outsider)
    actions.update_space(actor=facilitator, space=secret_space, status="archived")
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.accept_invitation(user=outsider, invitation=invitation)
    assert raised.value.code == "archived"
    assert state() == before


def test_accepting_after_joining_otherwise_changes_nothing(space, facilitator, outsider):
    invitation = actions.invite(actor=facilitator, space=space, user=outsider)
    actions.join_space(user=outsider, space=space)
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.accept_invitation(user=outsider, invitation=invitation)
    assert raised.value.code == "already_member"
    assert state() == before


def test_decline_invitation(secret_space, facilitator, outsider):
    invitation = actions.invite(actor=facilitator, space=secret_space, user=outsider)
    before = last_event_id()
    actions.decline_invitation(user=outsider, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert invitation.responded_at is not None
    assert count_of(secret_space) == 1
    assert events_since(before) == [
        (
            "invitation.declined",
            outsider.pk,
            secret_space.pk,
            "invitation",
            invitation.pk,
            snapshot(secret_space),
        )
    ]


def test_revoke_invitation(secret_space, facilitator):
    invitation = actions.invite(actor=facilitator, space=secret_space, email="x@example.test")
    before = last_event_id()
    actions.revoke_invitation(actor=facilitator, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
    assert events_since(before) == [
        (
            "invitation.revoked",
            facilitator.pk,
            secret_space.pk,
            "invitation",
            invitation.pk,
            {"email": "x@example.test", **snapshot(secret_space)},
        )
    ]


def test_revoke_invitation_refused_to_non_managers(secret_space, facilitator, outsider):
    invitation = actions.invite(actor=facilitator, space=secret_space, user=outsider)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.revoke_invitation(actor=outsider, invitation=invitation)
    assert state() == before


# --- join requests -------------------------------------------------------------


def test_request_to_join_a_private_space(private_space, outsider):
    before = last_event_id()
    join_request = actions.request_to_join(user=outsider, space=private_space, message="Hi!")
    join_request.refresh_from_db()
    assert (join_request.user, join_request.status, join_request.message) == (
        outsider,
        "pending",
        "Hi!",
    )
    assert count_of(private_space) == 1
    assert events_since(before) == [
        (
            "join.requested",
            outsider.pk,
            private_space.pk,
            "joinrequest",
            join_request.pk,
            snapshot(private_space),
        )
    ]


def test_request_to_join_twice_is_refused(private_space, outsider):
    actions.request_to_join(user=outsider, space=private_space)
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.request_to_join(user=outsider, space=private_space)
    assert raised.value.messages == [
        "You have already asked to join; the facilitators will decide."
    ]
    assert state() == before


def test_request_message_is_limited(private_space, outsider):
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.request_to_join(user=outsider, space=private_space, message="x" * 501)
    assert raised.value.message_dict == {"message": ["Keep the message under 500 characters."]}
    assert state() == before


@pytest.mark.parametrize(
    ("_case", "visibility", "status", "org_role", "already_member"),
    [
        ("open spaces are joined directly", OPEN, "active", User.OrgRole.MEMBER, False),
        ("secret spaces take invitations only", SECRET, "active", User.OrgRole.MEMBER, False),
        ("archived spaces take nobody", PRIVATE, "archived", User.OrgRole.MEMBER, False),
        ("outside guests wait for an invitation", PRIVATE, "active", User.OrgRole.GUEST, False),
        ("members need not ask", PRIVATE, "active", User.OrgRole.MEMBER, True),
    ],
)
def test_request_to_join_refused(facilitator, _case, visibility, status, org_role, already_member):
    space = make_space(creator=facilitator, name="Somewhere", visibility=visibility)
    Space.objects.filter(pk=space.pk).update(status=status)
    space.refresh_from_db()
    person = UserFactory(org_role=org_role)
    if already_member:
        add_member(space, person)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.request_to_join(user=person, space=space)
    assert state() == before


def test_approve_join_request(private_space, facilitator, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    before = last_event_id()
    actions.decide_join_request(actor=facilitator, join_request=join_request, approve=True)
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == ("approved", facilitator)
    assert join_request.decided_at is not None
    assert members_of(private_space) == [
        ("Fay Facilitator", "facilitator"),
        ("Otto Outsider", "member"),
    ]
    assert count_of(private_space) == 2
    membership = Membership.objects.get(space=private_space, user=outsider)
    assert events_since(before) == [
        (
            "space.joined",
            outsider.pk,
            private_space.pk,
            "membership",
            membership.pk,
            {"via": "request", "approved_by": "Fay Facilitator", **snapshot(private_space)},
        )
    ]


def test_decline_join_request(private_space, facilitator, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    before = last_event_id()
    actions.decide_join_request(actor=facilitator, join_request=join_request, approve=False)
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == ("declined", facilitator)
    assert members_of(private_space) == [("Fay Facilitator", "facilitator")]
    assert events_since(before) == [
        (
            "join.declined",
            facilitator.pk,
            private_space.pk,
            "joinrequest",
            join_request.pk,
            {"user_id": outsider.pk, **snapshot(private_space)},
        )
    ]
    # A declined person may ask again.
    again = actions.request_to_join(user=outsider, space=private_space)
    assert again.status == "pending"


@pytest.mark.parametrize("approve", [True, False])
def test_decide_join_request_refused_to_non_managers(private_space, outsider, approve):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    colleague = UserFactory()
    add_member(private_space, colleague)
    before = state()
    for actor in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            actions.decide_join_request(actor=actor, join_request=join_request, approve=approve)
    assert state() == before


def test_a_decided_request_cannot_be_decided_again(private_space, facilitator, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    actions.decide_join_request(actor=facilitator, join_request=join_request, approve=False)
    before = state()
    for approve in (True, False):
        with pytest.raises(ValidationError) as raised:
            actions.decide_join_request(
                actor=facilitator, join_request=join_request, approve=approve
            )
        assert raised.value.code == "closed"
    assert state() == before


def test_a_request_to_an_archived_space_cannot_be_approved(private_space, facilitator, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    actions.update_space(actor=facilitator, space=private_space, status="archived")
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.decide_join_request(actor=facilitator, join_request=join_request, approve=True)
    assert raised.value.code == "archived"
    assert state() == before
    # Declining it still tidies the queue.
    actions.decide_join_request(actor=facilitator, join_request=join_request, approve=False)
    assert JoinRequest.objects.get(pk=join_request.pk).status == "declined"


def test_cancel_join_request(private_space, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    before = last_event_id()
    actions.cancel_join_request(user=outsider, join_request=join_request)
    assert JoinRequest.objects.get(pk=join_request.pk).status == "cancelled"
    assert events_since(before) == [
        (
            "join.cancelled",
            outsider.pk,
            private_space.pk,
            "joinrequest",
            join_request.pk,
            snapshot(private_space),
        )
    ]


def test_cancel_someone_elses_request_is_refused(private_space, facilitator, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.cancel_join_request(user=facilitator, join_request=join_request)
    assert state() == before


def test_a_decided_request_cannot_be_cancelled(private_space, facilitator, outsider):
    join_request = actions.request_to_join(user=outsider, space=private_space)
    stale = JoinRequest.objects.get(pk=join_request.pk)
    actions.decide_join_request(actor=facilitator, join_request=join_request, approve=True)
    before = state()
    with pytest.raises(ValidationError) as raised:
        actions.cancel_join_request(user=outsider, join_request=stale)
    assert raised.value.code == "closed"
    assert state() == before


# --- member_count through every way in and out ----------------------------------


def test_member_count_follows_every_way_in_and_out(private_space, facilitator):
    def counts() -> tuple[int, int]:
        return count_of(private_space), private_space.memberships.count()

    ann, ben, cat, dan = (UserFactory(name=name) for name in ("Ann", "Ben", "Cat", "Dan"))
    assert counts() == (1, 1)
    for person in (ann, ben):
        invitation = actions.invite(actor=facilitator, space=private_space, user=person)
        actions.accept_invitation(user=person, invitation=invitation)
    assert counts() == (3, 3)
    for person in (cat, dan):
        join_request = actions.request_to_join(user=person, space=private_space)
        actions.decide_join_request(actor=facilitator, join_request=join_request, approve=True)
    assert counts() == (5, 5)
    actions.update_space(actor=facilitator, space=private_space, visibility=OPEN)
    actions.join_space(user=UserFactory(name="Eve"), space=private_space)
    assert counts() == (6, 6)
    actions.leave_space(user=ann, space=private_space)
    actions.remove_member(actor=facilitator, space=private_space, user=ben)
    assert counts() == (4, 4)
    # Refusals leave it alone.
    with pytest.raises(ValidationError):
        actions.leave_space(user=ann, space=private_space)
    with pytest.raises(ValidationError):
        actions.join_space(user=cat, space=private_space)
    with pytest.raises(ValidationError):
        actions.leave_space(user=facilitator, space=private_space)
    assert counts() == (4, 4)


def test_updating_settings_from_an_old_copy_keeps_the_member_count(space, facilitator):
    old_copy = Space.objects.get(pk=space.pk)
    actions.join_space(user=UserFactory(), space=Space.objects.get(pk=space.pk))
    actions.update_space(actor=facilitator, space=old_copy, name="Data Club (renamed)")
    assert Space.objects.values_list("name", "member_count").get(pk=space.pk) == (
        "Data Club (renamed)",
        3,
    )


def test_invite_race_on_the_unique_constraint_is_a_validation_error(space, facilitator):
    """Two invitations racing past the check: the constraint answers, not a 500."""
    Invitation.objects.create(space=space, email="race@example.test", invited_by=facilitator)
    real_filter = Invitation.objects.filter

    class Blind:
        def exists(self) -> bool:
            return False

    def blind_filter(*args, **kwargs):
        if kwargs.get("status") == Invitation.Status.PENDING and "email" in kwargs:
            return Blind()
        return real_filter(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Invitation.objects, "filter", blind_filter)
        with pytest.raises(ValidationError) as raised:
            actions.invite(actor=facilitator, space=space, email="race@example.test")
    assert raised.value.message_dict == {"email": [actions.ALREADY_INVITED]}
    assert Invitation.objects.filter(email="race@example.test").count() == 1
