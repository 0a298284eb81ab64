"""The space permission matrix.

Every combination of org role, space role, visibility, kind and status is
checked for each action (see, view content, join, request to join, post, manage,
leave). The expected answers come from `expected_rights`, the rules of
`agora/spaces/permissions.py` written out again here, independently of the
code under test; a short explicit table pins the statements that matter
most in words. The row filters must agree with the predicates in every
case, and a secret space must stay invisible to outsiders by page, by API
and by guessed id.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from agora.accounts.models import User
from agora.spaces.models import Space
from agora.spaces.permissions import (
    access_space,
    access_space_by_id,
    allowed_kinds,
    can_create_space,
    can_join,
    can_leave,
    can_manage,
    can_post_in,
    can_request_to_join,
    can_see,
    can_view_content,
    spaces_visible_to,
    spaces_with_content_visible_to,
)
from tests.factories import UserFactory, add_member, make_space
from tests.rules import (
    ACTIVE,
    ADMIN,
    ADVOCATE,
    ARCHIVED,
    COMMUNITY,
    COURSE,
    FACILITATOR,
    GUEST,
    MEMBER,
    OPEN,
    ORG_GUEST,
    ORG_MEMBER,
    PRIVATE,
    SECRET,
    STAFF,
)
from tests.rules import space_rights as expected_rights

pytestmark = pytest.mark.django_db

ORG_ROLES = (ADMIN, STAFF, ADVOCATE, ORG_MEMBER, ORG_GUEST)
SPACE_ROLES = (None, FACILITATOR, MEMBER, GUEST)
VISIBILITIES = (OPEN, PRIVATE, SECRET)
# Kind matters only to learning staff (they manage courses); one other kind
# stands for the rest.
KINDS = (COURSE, COMMUNITY)
STATUSES = (ACTIVE, ARCHIVED)

PREDICATES = {
    "see": can_see,
    "view": can_view_content,
    "join": can_join,
    "request": can_request_to_join,
    "post": can_post_in,
    "manage": can_manage,
    "leave": can_leave,
}


def _case_id(org_role, space_role, visibility, kind, status) -> str:
    return f"{org_role}-{space_role or 'none'}-{visibility}-{kind}-{status}"


MATRIX = [
    pytest.param(*case, id=_case_id(*case))
    for case in itertools.product(ORG_ROLES, SPACE_ROLES, VISIBILITIES, KINDS, STATUSES)
]


def arrange(
    *,
    owner: User,
    person: User,
    space_role: str | None,
    visibility: str,
    kind: str,
    status: str,
    name: str = "Matrix space",
) -> Space:
    """Create a space (owner facilitates it) and give `person` `space_role` in it."""
    space = make_space(creator=owner, name=name, visibility=visibility, kind=kind)
    if space_role is not None:
        add_member(space, person, space_role)
    if status == ARCHIVED:
        Space.objects.filter(pk=space.pk).update(status=ARCHIVED)
        space.refresh_from_db()
    return space


@pytest.fixture
def owner(db) -> User:
    """The admin who creates the spaces (and so may create courses)."""
    return UserFactory(name="Olga Owner", org_role=ADMIN)


@pytest.mark.parametrize(("org_role", "space_role", "visibility", "kind", "status"), MATRIX)
def test_permission_matrix(owner, org_role, space_role, visibility, kind, status):
    person = UserFactory(org_role=org_role)
    space = arrange(
        owner=owner,
        person=person,
        space_role=space_role,
        visibility=visibility,
        kind=kind,
        status=status,
    )
    rights = {action: predicate(person, space) for action, predicate in PREDICATES.items()}
    assert rights == expected_rights(org_role, space_role, visibility, kind, status)
    assert spaces_visible_to(person).filter(pk=space.pk).exists() is rights["see"]
    assert spaces_with_content_visible_to(person).filter(pk=space.pk).exists() is rights["view"]


# The same rules in words: each row names what it proves.
SPOT_CHECKS = [
    ("a member sees an open space they are not in", ORG_MEMBER, None, OPEN, COMMUNITY, "see", True),
    ("and reads its content", ORG_MEMBER, None, OPEN, COMMUNITY, "view", True),
    ("and may join it", ORG_MEMBER, None, OPEN, COMMUNITY, "join", True),
    ("but may not post before joining", ORG_MEMBER, None, OPEN, COMMUNITY, "post", False),
    ("a member sees a private space's name", ORG_MEMBER, None, PRIVATE, COMMUNITY, "see", True),
    ("but not its content", ORG_MEMBER, None, PRIVATE, COMMUNITY, "view", False),
    ("and may not join it directly", ORG_MEMBER, None, PRIVATE, COMMUNITY, "join", False),
    ("but may ask to join", ORG_MEMBER, None, PRIVATE, COMMUNITY, "request", True),
    ("a secret space is unseen by outsiders", ORG_MEMBER, None, SECRET, COMMUNITY, "see", False),
    ("nobody may ask into a secret space", ORG_MEMBER, None, SECRET, COMMUNITY, "request", False),
    ("an advocate outside it sees nothing", ADVOCATE, None, SECRET, COMMUNITY, "see", False),
    ("an admin sees every secret space", ADMIN, None, SECRET, COMMUNITY, "see", True),
    ("and reads it", ADMIN, None, SECRET, COMMUNITY, "view", True),
    ("and manages it", ADMIN, None, SECRET, COMMUNITY, "manage", True),
    ("but may not post without belonging", ADMIN, None, SECRET, COMMUNITY, "post", False),
    ("learning staff manage every course", STAFF, None, SECRET, COURSE, "manage", True),
    ("and see secret courses", STAFF, None, SECRET, COURSE, "see", True),
    ("but not other kinds of space", STAFF, None, PRIVATE, COMMUNITY, "manage", False),
    ("nor secret communities", STAFF, None, SECRET, COMMUNITY, "see", False),
    ("a facilitator manages", ORG_MEMBER, FACILITATOR, SECRET, COMMUNITY, "manage", True),
    ("a space member does not manage it", ORG_MEMBER, MEMBER, OPEN, COMMUNITY, "manage", False),
    ("a space guest may post", ORG_MEMBER, GUEST, PRIVATE, COMMUNITY, "post", True),
    ("an org guest sees no open space", ORG_GUEST, None, OPEN, COMMUNITY, "see", False),
    ("nor joins them", ORG_GUEST, None, OPEN, COMMUNITY, "join", False),
    ("a guest invited in sees it", ORG_GUEST, GUEST, SECRET, COMMUNITY, "see", True),
    ("and reads it", ORG_GUEST, GUEST, SECRET, COMMUNITY, "view", True),
    ("and posts in it", ORG_GUEST, GUEST, SECRET, COMMUNITY, "post", True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("_case", "org_role", "space_role", "visibility", "kind", "action", "allowed"), SPOT_CHECKS
)
def test_permission_spot_checks(
    owner, _case, org_role, space_role, visibility, kind, action, allowed
):
    person = UserFactory(org_role=org_role)
    space = arrange(
        owner=owner,
        person=person,
        space_role=space_role,
        visibility=visibility,
        kind=kind,
        status=ACTIVE,
    )
    assert PREDICATES[action](person, space) is allowed


@pytest.mark.parametrize(
    ("_case", "action"),
    [
        ("nobody posts in an archived space, facilitators included", "post"),
        ("nobody joins an archived open space", "join"),
    ],
)
def test_archived_space_refuses_writes_even_to_its_facilitator(owner, _case, action):
    space = arrange(
        owner=owner, person=owner, space_role=None, visibility=OPEN, kind=COMMUNITY, status=ARCHIVED
    )
    joiner = UserFactory()
    assert can_post_in(owner, space) is False
    assert PREDICATES[action](joiner if action == "join" else owner, space) is False
    # Archiving does not hide the space or lock out its managers (they restore it).
    assert can_see(joiner, space) is True
    assert can_manage(owner, space) is True


@pytest.mark.parametrize("org_role", ORG_ROLES)
def test_row_filters_agree_with_predicates_over_many_spaces(owner, org_role):
    """One person against spaces of every kind: the filters return exactly the right set."""
    person = UserFactory(org_role=org_role)
    spaces = []
    for n, (space_role, visibility, kind, status) in enumerate(
        itertools.product(SPACE_ROLES, VISIBILITIES, KINDS, STATUSES)
    ):
        space = arrange(
            owner=owner,
            person=person,
            space_role=space_role,
            visibility=visibility,
            kind=kind,
            status=status,
            name=f"Space {n}",
        )
        spaces.append((space, expected_rights(org_role, space_role, visibility, kind, status)))
    # A stranger's memberships must not leak into the person's answers.
    stranger = UserFactory()
    for space, _rights in spaces:
        add_member(space, stranger, MEMBER)

    assert set(spaces_visible_to(person)) == {s for s, rights in spaces if rights["see"]}
    assert set(spaces_with_content_visible_to(person)) == {
        s for s, rights in spaces if rights["view"]
    }
    assert {s for s, _rights in spaces if can_see(person, s)} == set(spaces_visible_to(person))


def test_inactive_and_anonymous_people_get_nothing(owner):
    space = make_space(creator=owner, name="Open club", visibility=OPEN)
    former = UserFactory(is_active=False)
    add_member(space, former, FACILITATOR)
    for person in (former, AnonymousUser()):
        assert {
            action: p(person, space) for action, p in PREDICATES.items() if action != "leave"
        } == {
            "see": False,
            "view": False,
            "join": False,
            "request": False,
            "post": False,
            "manage": False,
        }
        assert list(spaces_visible_to(person)) == []
        assert list(spaces_with_content_visible_to(person)) == []
        assert can_create_space(person, COMMUNITY) is False


def test_inactive_admin_manages_nothing(owner):
    space = make_space(creator=owner, name="Secret club", visibility=SECRET)
    former_admin = UserFactory(org_role=ADMIN, is_active=False)
    assert can_manage(former_admin, space) is False
    assert can_see(former_admin, space) is False


# can_create_space: (org role, kind) → allowed. Courses belong to admins and
# learning staff; guests start nothing.
CREATE_TABLE = {
    ADMIN: {"course": True, "project": True, "network": True, "circle": True, "community": True},
    STAFF: {"course": True, "project": True, "network": True, "circle": True, "community": True},
    ADVOCATE: {
        "course": False,
        "project": True,
        "network": True,
        "circle": True,
        "community": True,
    },
    ORG_MEMBER: {
        "course": False,
        "project": True,
        "network": True,
        "circle": True,
        "community": True,
    },
    ORG_GUEST: {
        "course": False,
        "project": False,
        "network": False,
        "circle": False,
        "community": False,
    },
}


@pytest.mark.parametrize("org_role", ORG_ROLES)
def test_can_create_space_per_org_role_and_kind(org_role):
    person = UserFactory(org_role=org_role)
    assert {kind: can_create_space(person, kind) for kind in Space.Kind.values} == CREATE_TABLE[
        org_role
    ]
    assert [kind for kind, _label in allowed_kinds(person)] == [
        kind for kind in Space.Kind.values if CREATE_TABLE[org_role][kind]
    ]


# --- A secret space is invisible to outsiders: by page, by API, by guessed id.

NOT_FOUND = {"detail": "Not found.", "code": "not_found", "errors": {}}


@pytest.fixture
def secret_space(facilitator, member) -> Space:
    return make_space(
        creator=facilitator,
        name="Skunkworks",
        slug="skunkworks",
        visibility=SECRET,
        description="Nobody outside should read this.",
        members=(member,),
    )


@pytest.fixture(params=["outsider", "guest"])
def stranger(request) -> User:
    """Someone outside the secret space: an org member, or an outside guest."""
    return request.getfixturevalue(request.param)


def test_access_space_raises_404_for_a_secret_space_as_for_a_missing_one(secret_space, stranger):
    with pytest.raises(Http404):
        access_space(stranger, "skunkworks")
    with pytest.raises(Http404):
        access_space_by_id(stranger, secret_space.pk)
    with pytest.raises(Http404):
        access_space(stranger, "no-such-space")


@pytest.mark.parametrize("path", ["/spaces/skunkworks/", "/spaces/skunkworks/members/"])
def test_secret_space_pages_are_404_for_strangers(secret_space, stranger, client_of, path):
    response = client_of(stranger).get(path)
    assert response.status_code == 404
    assert b"Skunkworks" not in response.content
    assert b"Nobody outside" not in response.content


@pytest.mark.parametrize("path", ["/spaces/skunkworks/", "/spaces/skunkworks/members/"])
def test_secret_space_pages_open_to_members(secret_space, member, client_of, path):
    response = client_of(member).get(path)
    assert response.status_code == 200
    assert b"Skunkworks" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/spaces/skunkworks/join/",
        "/spaces/skunkworks/request/",
        "/spaces/skunkworks/leave/",
        "/spaces/skunkworks/edit/",
    ],
)
def test_secret_space_write_pages_are_404_for_strangers(secret_space, stranger, client_of, path):
    response = client_of(stranger).post(path, {"message": "let me in"})
    assert response.status_code == 404
    assert secret_space.memberships.count() == 2
    assert secret_space.join_requests.count() == 0


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", {}),
        ("get", "/members", {}),
        ("get", "/activity", {}),
        ("get", "/join-requests", {}),
        ("post", "/join", {}),
        ("post", "/leave", {}),
        ("post", "/join-requests", {"message": "let me in"}),
        ("post", "/invitations", {"email": "friend@example.test"}),
        ("patch", "", {"name": "Mine now"}),
        ("patch", "/members/{member}", {"role": "facilitator"}),
        ("delete", "/members/{member}", {}),
    ],
)
def test_secret_space_api_is_404_for_strangers_like_a_missing_id(
    secret_space, stranger, member, client_of, method, suffix, body
):
    client = client_of(stranger)
    missing_id = secret_space.pk + 1000
    suffix = suffix.format(member=member.pk)
    for space_id in (secret_space.pk, missing_id):
        response = getattr(client, method)(
            f"/api/v1/spaces/{space_id}{suffix}", body, content_type="application/json"
        )
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    secret_space.refresh_from_db()
    assert secret_space.name == "Skunkworks"
    assert sorted(secret_space.memberships.values_list("user_id", "role")) == sorted(
        [(secret_space.created_by_id, FACILITATOR), (member.pk, MEMBER)]
    )
    assert secret_space.join_requests.count() == 0
    assert secret_space.invitations.count() == 0


def test_secret_space_api_open_to_members(secret_space, member, facilitator, client_of):
    client = client_of(member)
    space = client.get(f"/api/v1/spaces/{secret_space.pk}")
    members = client.get(f"/api/v1/spaces/{secret_space.pk}/members")
    assert (space.status_code, space.json()["name"]) == (200, "Skunkworks")
    assert members.status_code == 200
    assert sorted(item["user_id"] for item in members.json()["items"]) == sorted(
        [member.pk, facilitator.pk]
    )


def test_secret_space_is_missing_from_strangers_space_lists(
    secret_space, stranger, client_of, facilitator
):
    open_space = make_space(creator=facilitator, name="Open Forum", visibility=OPEN)
    if stranger.is_guest:
        add_member(open_space, stranger, GUEST)
    page = client_of(stranger).get("/spaces/")
    api = client_of(stranger).get("/api/v1/spaces")
    assert page.status_code == 200
    assert b"Skunkworks" not in page.content
    assert b"Open Forum" in page.content
    assert [item["name"] for item in api.json()["items"]] == ["Open Forum"]


def test_secret_membership_is_hidden_on_profile_pages_from_strangers(
    secret_space, stranger, member, facilitator, client_of
):
    open_space = make_space(creator=facilitator, name="Open Forum", visibility=OPEN)
    add_member(open_space, member)
    if stranger.is_guest:
        # A guest may see only people who share a space with them.
        add_member(open_space, stranger, GUEST)
    for person in (member, facilitator):
        response = client_of(stranger).get(f"/people/{person.pk}/")
        assert response.status_code == 200
        assert b"Open Forum" in response.content
        assert b"Skunkworks" not in response.content
        activity = client_of(stranger).get(f"/api/v1/people/{person.pk}/activity")
        assert activity.status_code == 200
        assert secret_space.pk not in [item["space_id"] for item in activity.json()["items"]]


def test_secret_membership_shows_on_profile_pages_to_co_members(
    secret_space, member, facilitator, client_of
):
    response = client_of(member).get(f"/people/{facilitator.pk}/")
    assert response.status_code == 200
    assert b"Skunkworks" in response.content
