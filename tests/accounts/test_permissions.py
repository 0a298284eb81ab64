"""Who may see whom, and which of a person's contact fields.

Org members see every active person; outside guests see themselves and the
people they share a space with. Each contact field has its own visibility:
everyone in the organization (guests only when sharing a space), people who
share a space, or only the person.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from agora.accounts.models import ContactVisibility, User
from agora.accounts.permissions import (
    access_person,
    can_administer,
    can_edit_profile,
    can_see_person,
    people_visible_to,
    visible_contact_fields,
)
from agora.spaces.models import Membership, Space
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db

ALL_FIELDS = {"email", "phone", "chat_handle", "links"}
ORG, SHARED, ONLY_ME = (
    ContactVisibility.ORGANIZATION,
    ContactVisibility.SHARED_SPACE,
    ContactVisibility.ONLY_ME,
)


@pytest.fixture
def person(db) -> User:
    return UserFactory(name="Pat Person")


@pytest.fixture
def shared_space(person) -> Space:
    """A secret space: sharing it counts even though nobody else can see it."""
    return make_space(
        creator=UserFactory(org_role=User.OrgRole.ADMIN),
        name="Shared",
        visibility=Space.Visibility.SECRET,
        members=(person,),
    )


@pytest.fixture
def other_space(db) -> Space:
    """A space `person` is not in; viewers who "don't share" still belong somewhere."""
    return make_space(creator=UserFactory(org_role=User.OrgRole.ADMIN), name="Elsewhere")


def make_viewer(kind: str, person: User, shared_space: Space, other_space: Space) -> User:
    if kind == "self":
        return person
    org_role = {
        "member sharing": User.OrgRole.MEMBER,
        "member not sharing": User.OrgRole.MEMBER,
        "guest sharing": User.OrgRole.GUEST,
        "guest not sharing": User.OrgRole.GUEST,
        "admin not sharing": User.OrgRole.ADMIN,
    }[kind]
    viewer = UserFactory(org_role=org_role)
    if kind.endswith(" sharing") and "not" not in kind:
        add_member(shared_space, viewer, Membership.Role.GUEST)
    else:
        add_member(other_space, viewer, Membership.Role.MEMBER)
    return viewer


# (viewer, visibility level) → does the viewer see the field?
CONTACT_MATRIX = [
    ("self", ORG, True),
    ("self", SHARED, True),
    ("self", ONLY_ME, True),
    ("member sharing", ORG, True),
    ("member sharing", SHARED, True),
    ("member sharing", ONLY_ME, False),
    ("member not sharing", ORG, True),
    ("member not sharing", SHARED, False),
    ("member not sharing", ONLY_ME, False),
    ("guest sharing", ORG, True),
    ("guest sharing", SHARED, True),
    ("guest sharing", ONLY_ME, False),
    ("guest not sharing", ORG, False),
    ("guest not sharing", SHARED, False),
    ("guest not sharing", ONLY_ME, False),
    ("admin not sharing", ORG, True),
    ("admin not sharing", SHARED, False),
    ("admin not sharing", ONLY_ME, False),
]


@pytest.mark.parametrize(("viewer_kind", "level", "visible"), CONTACT_MATRIX)
def test_contact_field_visibility(person, shared_space, other_space, viewer_kind, level, visible):
    viewer = make_viewer(viewer_kind, person, shared_space, other_space)
    profile = person.profile
    profile.email_visibility = level
    profile.phone_visibility = level
    profile.chat_visibility = level
    profile.links_visibility = level
    profile.save()
    assert visible_contact_fields(viewer, person, profile) == (ALL_FIELDS if visible else set())


def test_each_contact_field_follows_its_own_visibility(person, shared_space, other_space):
    profile = person.profile
    profile.email_visibility = ORG
    profile.phone_visibility = SHARED
    profile.chat_visibility = ONLY_ME
    profile.links_visibility = SHARED
    profile.save()
    sharing = make_viewer("member sharing", person, shared_space, other_space)
    not_sharing = make_viewer("member not sharing", person, shared_space, other_space)
    guest_sharing = make_viewer("guest sharing", person, shared_space, other_space)
    assert visible_contact_fields(sharing, person, profile) == {"email", "phone", "links"}
    assert visible_contact_fields(not_sharing, person, profile) == {"email"}
    assert visible_contact_fields(guest_sharing, person, profile) == {"email", "phone", "links"}
    assert visible_contact_fields(person, person, profile) == ALL_FIELDS


def test_contact_fields_on_the_profile_page_follow_visibility(person, client_of):
    profile = person.profile
    profile.phone = "+44 20 7946 0958"
    profile.chat_handle = "pat.chat"
    profile.phone_visibility = SHARED
    profile.chat_visibility = ORG
    profile.save()
    colleague = UserFactory()
    page = client_of(colleague).get(f"/people/{person.pk}/")
    assert page.status_code == 200
    assert b"pat.chat" in page.content
    assert b"7946 0958" not in page.content
    make_space(creator=UserFactory(org_role=User.OrgRole.ADMIN), members=(person, colleague))
    page = client_of(colleague).get(f"/people/{person.pk}/")
    assert b"7946 0958" in page.content


# Who sees whom. Viewers: an org member (in no space), an org guest in a space
# with `person` (and alone in another), and a guest in no space at all.


@pytest.fixture
def people(person, shared_space) -> dict[str, User]:
    co_member = UserFactory(name="Cora Comember")
    add_member(shared_space, co_member)
    guest = UserFactory(name="Gus Guest", org_role=User.OrgRole.GUEST)
    add_member(shared_space, guest, Membership.Role.GUEST)
    stranger = UserFactory(name="Stan Stranger")
    make_space(creator=stranger, name="Stan's corner")
    lonely_guest = UserFactory(name="Lou Lonely", org_role=User.OrgRole.GUEST)
    former = UserFactory(name="Fred Former", is_active=False)
    add_member(shared_space, former)
    return {
        "person": person,
        "co_member": co_member,
        "guest": guest,
        "stranger": stranger,
        "lonely_guest": lonely_guest,
        "former": former,
        "space_creator": shared_space.created_by,
    }


def _names(users) -> set[str]:
    return {user.name for user in users}


def test_org_members_see_every_active_person(people):
    everyone_active = {
        "Pat Person",
        "Cora Comember",
        "Gus Guest",
        "Stan Stranger",
        "Lou Lonely",
        people["space_creator"].name,
    }
    stranger = people["stranger"]
    assert _names(people_visible_to(stranger)) == everyone_active
    for name, other in people.items():
        assert can_see_person(stranger, other) is (name != "former"), name


def test_guests_see_only_themselves_and_people_sharing_a_space(people):
    guest = people["guest"]
    assert _names(people_visible_to(guest)) == {
        "Pat Person",
        "Cora Comember",
        "Gus Guest",
        people["space_creator"].name,
    }
    expected = {
        "person": True,
        "co_member": True,
        "guest": True,
        "stranger": False,
        "lonely_guest": False,
        "former": False,
        "space_creator": True,
    }
    assert {name: can_see_person(guest, other) for name, other in people.items()} == expected


def test_a_guest_in_no_space_sees_only_themselves(people, client_of):
    lonely = people["lonely_guest"]
    assert _names(people_visible_to(lonely)) == {"Lou Lonely"}
    assert {name: can_see_person(lonely, other) for name, other in people.items()} == {
        "person": False,
        "co_member": False,
        "guest": False,
        "stranger": False,
        "lonely_guest": True,
        "former": False,
        "space_creator": False,
    }
    assert access_person(lonely, lonely.pk) == lonely
    assert client_of(lonely).get(f"/people/{lonely.pk}/").status_code == 200


def test_inactive_and_anonymous_viewers_see_nobody(people):
    former = people["former"]
    for viewer in (former, AnonymousUser()):
        assert list(people_visible_to(viewer)) == []
        assert can_see_person(viewer, people["person"]) is False


def test_access_person_is_404_for_people_out_of_sight(people, client_of):
    guest = people["guest"]
    with pytest.raises(Http404):
        access_person(guest, people["stranger"].pk)
    with pytest.raises(Http404):
        access_person(people["stranger"], people["former"].pk)
    assert access_person(guest, people["person"].pk) == people["person"]
    assert client_of(guest).get(f"/people/{people['stranger'].pk}/").status_code == 404
    assert client_of(guest).get(f"/api/v1/people/{people['stranger'].pk}").status_code == 404
    assert client_of(guest).get(f"/people/{people['person'].pk}/").status_code == 200


def test_guest_people_directory_lists_only_visible_people(people, client_of):
    response = client_of(people["guest"]).get("/people/")
    assert response.status_code == 200
    assert b"Cora Comember" in response.content
    assert b"Stan Stranger" not in response.content
    assert b"Lou Lonely" not in response.content


def test_profile_editing_and_administration_rights(person):
    admin = UserFactory(org_role=User.OrgRole.ADMIN)
    colleague = UserFactory()
    assert can_edit_profile(person, person) is True
    assert can_edit_profile(admin, person) is True
    assert can_edit_profile(colleague, person) is False
    assert can_edit_profile(AnonymousUser(), person) is False
    assert {role: can_administer(UserFactory(org_role=role)) for role in User.OrgRole.values} == {
        "admin": True,
        "staff": False,
        "advocate": False,
        "member": False,
        "guest": False,
    }
    assert can_administer(UserFactory(org_role=User.OrgRole.ADMIN, is_active=False)) is False
