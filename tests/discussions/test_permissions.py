"""The discussion permission matrix.

Every combination of org role, space role, visibility, space kind and status
is checked for each discussion right: read, start a thread of each kind,
reply (in an open and in a locked thread), edit and delete one's own and
another's posts, moderate, react, accept an answer, and see the replies of a
"post before you see others" prompt before and after posting. The expected
answers come from `expected_rights`, the rules of
`agora/discussions/permissions.py` written out again here, independently of
the code under test; a short table in words pins the statements that matter
most. An archived space refuses everything but reading.
"""

from __future__ import annotations

import itertools

import pytest
from django.http import Http404

from agora.accounts.models import User
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import (
    access_thread,
    allowed_thread_kinds,
    can_accept_answer,
    can_delete,
    can_edit,
    can_flag,
    can_moderate,
    can_react,
    can_reply,
    can_see_replies,
    can_start_thread,
    may_take_stance,
    sees_hidden,
)
from agora.spaces.models import Space
from agora.spaces.permissions import can_view_content, standing, standings
from tests.factories import UserFactory, add_member, make_space
from tests.rules import (
    ACTIVE,
    ADMIN,
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
    STAFF,
    space_rights,
)

pytestmark = pytest.mark.django_db

ORG_ROLES = (ADMIN, STAFF, ORG_MEMBER, ORG_GUEST)
SPACE_ROLES = (None, FACILITATOR, MEMBER, GUEST)
VISIBILITIES = (OPEN, PRIVATE)
# Learning staff manage course spaces only; a community stands for the rest.
KINDS = (COURSE, COMMUNITY)
STATUSES = (ACTIVE, ARCHIVED)
THREAD_KINDS = (
    "discussion",
    "question",
    "prompt",
    "blog",
    "announcement",
    "show_and_tell",
)
FOR_MANAGERS = {"prompt", "blog", "announcement"}


def expected_rights(
    org_role: str, space_role: str | None, visibility: str, kind: str, status: str
) -> dict[str, bool]:
    """The discussion rules, restated: what a person may do with a space's threads."""
    space = space_rights(org_role, space_role, visibility, kind, status)
    # Reading follows the space's content; writing needs membership; moderating
    # needs management; neither in an archive.
    read, post, manage = space["view"], space["post"], space["manage"]
    moderate = manage and status != ARCHIVED
    rights = {
        "read": read,
        **{
            f"start_{thread_kind}": post and (thread_kind not in FOR_MANAGERS or manage)
            for thread_kind in THREAD_KINDS
        },
        "reply": post,
        "reply_locked": post and manage,
        "edit_own_thread": post,
        "edit_own_reply": post,
        "edit_other_reply": False,
        "delete_own_reply": post or moderate,
        "delete_other_reply": moderate,
        "delete_other_thread": moderate,
        "moderate": moderate,
        "react_own": False,
        "react_other": post,
        "accept_as_asker": post or moderate,
        "accept_other": moderate,
        "accept_on_discussion": False,
        # Reading a post-first prompt: managers see replies at once, learners after posting.
        "see_prompt_replies_before_posting": read and manage,
        "see_prompt_replies_after_posting": read,
    }
    return rights


class World:
    """A space, a person in it with some role, and posts by them and by others."""

    def __init__(
        self,
        *,
        owner: User,
        org_role: str,
        space_role: str | None,
        visibility: str,
        kind: str,
        status: str,
    ) -> None:
        self.person = UserFactory(org_role=org_role)
        self.space = make_space(creator=owner, name="Matrix", visibility=visibility, kind=kind)
        if space_role is not None:
            add_member(self.space, self.person, space_role)
        other = UserFactory(name="Oona Other")
        add_member(self.space, other)
        # Rows made directly: the predicates judge posts whoever could write them.
        self.thread = thread = self._thread(other, "discussion")
        self.locked = self._thread(other, "discussion", is_locked=True)
        self.own_thread = self._thread(self.person, "discussion")
        self.own_question = self._thread(self.person, "question")
        self.other_question = self._thread(other, "question")
        self.prompt = self._thread(owner, "prompt", post_first=True)
        self.own_reply = Reply.objects.create(thread=thread, author=self.person, body="Mine")
        self.other_reply = Reply.objects.create(thread=thread, author=other, body="Theirs")
        if status == ARCHIVED:
            Space.objects.filter(pk=self.space.pk).update(status=ARCHIVED)
            self.space.refresh_from_db()
        # One space object everywhere, so the archive shows and roles stay cached.
        self.thread.space = self.locked.space = self.own_thread.space = self.space
        self.own_question.space = self.other_question.space = self.prompt.space = self.space
        self.own_reply.thread = self.other_reply.thread = self.thread

    def _thread(self, author: User, kind: str, **fields) -> Thread:
        return Thread.objects.create(
            space=self.space, author=author, kind=kind, title=f"A {kind}", **fields
        )

    def rights(self) -> dict[str, bool]:
        person = self.person
        try:
            access_thread(person, self.space.slug, self.thread.pk)
        except Http404:
            read = False
        else:
            read = True
        return {
            "read": read,
            **{
                f"start_{thread_kind}": can_start_thread(person, self.space, thread_kind)
                for thread_kind in THREAD_KINDS
            },
            "reply": can_reply(person, self.thread),
            "reply_locked": can_reply(person, self.locked),
            "edit_own_thread": can_edit(person, self.own_thread),
            "edit_own_reply": can_edit(person, self.own_reply),
            "edit_other_reply": can_edit(person, self.other_reply),
            "delete_own_reply": can_delete(person, self.own_reply),
            "delete_other_reply": can_delete(person, self.other_reply),
            "delete_other_thread": can_delete(person, self.thread),
            "moderate": can_moderate(person, self.space),
            "react_own": can_react(person, self.own_reply),
            "react_other": can_react(person, self.other_reply),
            "accept_as_asker": can_accept_answer(person, self.own_question),
            "accept_other": can_accept_answer(person, self.other_question),
            "accept_on_discussion": can_accept_answer(person, self.own_thread),
            "see_prompt_replies_before_posting": read
            and can_see_replies(person, self.prompt, has_posted=False),
            "see_prompt_replies_after_posting": read
            and can_see_replies(person, self.prompt, has_posted=True),
        }


def _case_id(org_role, space_role, visibility, kind, status) -> str:
    return f"{org_role}-{space_role or 'none'}-{visibility}-{kind}-{status}"


MATRIX = [
    pytest.param(*case, id=_case_id(*case))
    for case in itertools.product(ORG_ROLES, SPACE_ROLES, VISIBILITIES, KINDS, STATUSES)
]


@pytest.fixture
def owner(db) -> User:
    """The admin who creates the spaces (and so may create courses)."""
    return UserFactory(name="Olga Owner", org_role=ADMIN)


@pytest.mark.parametrize(("org_role", "space_role", "visibility", "kind", "status"), MATRIX)
def test_discussion_permission_matrix(owner, org_role, space_role, visibility, kind, status):
    world = World(
        owner=owner,
        org_role=org_role,
        space_role=space_role,
        visibility=visibility,
        kind=kind,
        status=status,
    )
    expected = expected_rights(org_role, space_role, visibility, kind, status)
    assert world.rights() == expected
    assert [value for value, _label in allowed_thread_kinds(world.person, world.space)] == [
        thread_kind for thread_kind in THREAD_KINDS if expected[f"start_{thread_kind}"]
    ]


# The same rules in words: each row names what it proves.
SPOT_CHECKS = [
    ("a learner starts a discussion", ORG_MEMBER, MEMBER, COURSE, "start_discussion", True),
    ("and asks a question", ORG_MEMBER, MEMBER, COURSE, "start_question", True),
    ("but poses no lesson prompt", ORG_MEMBER, MEMBER, COURSE, "start_prompt", False),
    ("nor writes the instructor blog", ORG_MEMBER, MEMBER, COURSE, "start_blog", False),
    ("nor announces", ORG_MEMBER, MEMBER, COURSE, "start_announcement", False),
    ("the instructor poses prompts", ORG_MEMBER, FACILITATOR, COURSE, "start_prompt", True),
    ("learning staff outside a course may not post", STAFF, None, COURSE, "reply", False),
    ("but moderate it", STAFF, None, COURSE, "moderate", True),
    ("and not a community's threads", STAFF, None, COMMUNITY, "moderate", False),
    ("an admin moderates any space", ADMIN, None, COMMUNITY, "moderate", True),
    ("and deletes another's reply", ADMIN, None, COMMUNITY, "delete_other_reply", True),
    ("but starts no thread without joining", ADMIN, None, COMMUNITY, "start_discussion", False),
    ("a learner may not reply in a locked one", ORG_MEMBER, MEMBER, COURSE, "reply_locked", False),
    ("the facilitator may", ORG_MEMBER, FACILITATOR, COURSE, "reply_locked", True),
    ("nobody edits another's reply", ADMIN, FACILITATOR, COURSE, "edit_other_reply", False),
    ("nobody reacts to their own reply", ORG_MEMBER, MEMBER, COURSE, "react_own", False),
    ("a space guest reacts", ORG_GUEST, GUEST, COMMUNITY, "react_other", True),
    ("the asker accepts an answer", ORG_MEMBER, MEMBER, COMMUNITY, "accept_as_asker", True),
    ("another learner does not", ORG_MEMBER, MEMBER, COMMUNITY, "accept_other", False),
    ("the facilitator does", ORG_MEMBER, FACILITATOR, COMMUNITY, "accept_other", True),
    ("a learner waits to see a post-first prompt's replies", ORG_MEMBER, MEMBER, COURSE,
     "see_prompt_replies_before_posting", False),
    ("and sees them once posted", ORG_MEMBER, MEMBER, COURSE,
     "see_prompt_replies_after_posting", True),
    ("the instructor sees them at once", ORG_MEMBER, FACILITATOR, COURSE,
     "see_prompt_replies_before_posting", True),
    ("an outside guest reads nothing uninvited", ORG_GUEST, None, COMMUNITY, "read", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("_case", "org_role", "space_role", "kind", "action", "allowed"), SPOT_CHECKS
)
def test_discussion_permission_spot_checks(
    owner, _case, org_role, space_role, kind, action, allowed
):
    world = World(
        owner=owner,
        org_role=org_role,
        space_role=space_role,
        visibility=OPEN,
        kind=kind,
        status=ACTIVE,
    )
    assert world.rights()[action] is allowed


def test_archived_space_refuses_every_write_to_its_facilitator_but_not_reading(owner):
    world = World(
        owner=owner,
        org_role=ORG_MEMBER,
        space_role=FACILITATOR,
        visibility=PRIVATE,
        kind=COMMUNITY,
        status=ARCHIVED,
    )
    rights = world.rights()
    assert {action for action, allowed in rights.items() if allowed} == {
        "read",
        "see_prompt_replies_before_posting",
        "see_prompt_replies_after_posting",
    }


def test_deleted_posts_refuse_replies_edits_reactions_and_answers(owner):
    world = World(
        owner=owner,
        org_role=ORG_MEMBER,
        space_role=FACILITATOR,
        visibility=OPEN,
        kind=COURSE,
        status=ACTIVE,
    )
    person = world.person
    Reply.objects.filter(pk__in=[world.own_reply.pk, world.other_reply.pk]).update(is_deleted=True)
    Thread.objects.filter(pk__in=[world.thread.pk, world.own_question.pk]).update(is_deleted=True)
    for post in (world.own_reply, world.other_reply, world.thread, world.own_question):
        post.refresh_from_db()
    world.own_reply.thread = world.other_reply.thread = world.thread
    world.thread.space = world.own_question.space = world.space
    assert {
        "reply": can_reply(person, world.thread),
        "edit": can_edit(person, world.own_reply),
        "delete": can_delete(person, world.other_reply),
        "react": can_react(person, world.other_reply),
        "accept": can_accept_answer(person, world.own_question),
    } == {"reply": False, "edit": False, "delete": False, "react": False, "accept": False}


@pytest.mark.parametrize(
    ("_case", "thread_kind", "has_parent", "allowed"),
    [
        ("a response to a prompt takes a stance", "prompt", False, True),
        ("a comment on a prompt's response does too", "prompt", True, True),
        ("a response to a plain discussion takes none", "discussion", False, False),
        ("a comment in a discussion does", "discussion", True, True),
        ("an answer to a question takes none", "question", False, False),
    ],
)
def test_where_a_stance_may_be_taken(owner, _case, thread_kind, has_parent, allowed):
    space = make_space(creator=owner, name="Stances")
    thread = Thread.objects.create(space=space, author=owner, kind=thread_kind, title="T")
    parent = Reply.objects.create(thread=thread, author=owner, body="R") if has_parent else None
    assert may_take_stance(thread, parent) is allowed


def test_a_thread_of_another_space_is_404_like_a_missing_one(owner):
    person = UserFactory()
    mine = make_space(creator=owner, name="Mine", members=(person,))
    theirs = make_space(creator=owner, name="Theirs", visibility=PRIVATE)
    foreign = Thread.objects.create(space=theirs, author=owner, title="Private plans")
    local = Thread.objects.create(space=mine, author=owner, title="Hello")
    assert access_thread(person, mine.slug, local.pk) == local
    for slug, thread_id in (
        (mine.slug, foreign.pk),  # another space's id under my space's address
        (theirs.slug, foreign.pk),  # a private space I do not belong to
        (mine.slug, foreign.pk + 1000),  # no such thread
    ):
        with pytest.raises(Http404):
            access_thread(person, slug, thread_id)


def _rights_on_others_posts(world: World, person: User) -> dict[str, bool]:
    """`person`'s rights in `world` on what someone else wrote."""
    return {
        "view": can_view_content(person, world.space),
        **{
            f"start_{thread_kind}": can_start_thread(person, world.space, thread_kind)
            for thread_kind in THREAD_KINDS
        },
        "reply": can_reply(person, world.thread),
        "reply_locked": can_reply(person, world.locked),
        "edit_other_reply": can_edit(person, world.other_reply),
        "delete_other_reply": can_delete(person, world.other_reply),
        "delete_other_thread": can_delete(person, world.thread),
        "moderate": can_moderate(person, world.space),
        "react_other": can_react(person, world.other_reply),
        "flag_other": can_flag(person, world.other_reply),
        "sees_hidden": sees_hidden(person, world.other_reply),
        "accept_other": can_accept_answer(person, world.other_question),
        "see_prompt_replies": can_see_replies(person, world.prompt, has_posted=False),
    }


@pytest.mark.parametrize(("org_role", "space_role", "visibility", "kind", "status"), MATRIX)
def test_people_of_one_standing_have_the_same_rights(
    owner, org_role, space_role, visibility, kind, status
):
    """Live updates render once per standing (`standing`): two people with the same
    role in the org and in the space, different in everything else, may do the same
    with what neither of them wrote."""
    world = World(
        owner=owner,
        org_role=org_role,
        space_role=space_role,
        visibility=visibility,
        kind=kind,
        status=status,
    )
    twin = UserFactory(org_role=org_role, is_superuser=True, language="fr", time_zone="Asia/Tokyo")
    if space_role is not None:
        add_member(world.space, twin, space_role)
    person = User.objects.get(pk=world.person.pk)

    assert standing(twin, world.space) == standing(person, world.space)
    assert standings([person.pk, twin.pk], world.space) == {
        person.pk: standing(person, world.space),
        twin.pk: standing(twin, world.space),
    }
    assert _rights_on_others_posts(world, twin) == _rights_on_others_posts(world, person)
