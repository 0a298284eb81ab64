"""Nobody finds what they may not read: a matrix of viewers over one small world.

Each piece of content carries one unique word; each viewer's row lists the
words they find. Deleted posts are found by nobody, not even their authors.
The row filters search uses are checked against the predicates they restate.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from agora.accounts.models import User
from agora.courses import actions as course_actions
from agora.courses.permissions import can_see_drafts, courses_with_drafts_visible_to
from agora.discussions import actions
from agora.discussions.permissions import (
    can_see_replies,
    threads_concealing_replies_from,
)
from agora.discussions.queries import has_posted_in
from agora.search.queries import search
from agora.spaces import actions as space_actions
from agora.spaces.models import Membership, Space
from agora.spaces.permissions import can_manage, spaces_managed_by
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db

WORDS = (
    "zebracommons",  # the open space's description
    "zebraopen",  # a thread in the open space
    "zebrahidden",  # a reply there, hidden by a moderator
    "zebradeleted",  # a deleted reply there
    "zebratombstone",  # a deleted thread there
    "zebraspace",  # the private space's description
    "zebraprivate",  # a thread in the private space
    "zebravault",  # the secret space's description
    "zebrasecret",  # a thread in the secret space
    "zebraprompt",  # a post-first prompt in an open course cohort
    "zebraconcealed",  # a learner's response to it
    "zebralesson",  # a published lesson of the course
    "zebradraft",  # a draft lesson of the course
)


@dataclass
class World:
    people: dict[str, User]
    prompt: object


def build_world() -> World:
    people = {
        "admin": UserFactory(name="Ada Admin", org_role=User.OrgRole.ADMIN),
        "staff": UserFactory(name="Stan Staff", org_role=User.OrgRole.STAFF),
        "facilitator": UserFactory(name="Fay Facilitator"),
        "member": UserFactory(name="Mia Member"),
        "outsider": UserFactory(name="Otto Outsider"),
        "guest": UserFactory(name="Gail Guest", org_role=User.OrgRole.GUEST),
        "removed": UserFactory(name="Remy Removed"),
        "responder": UserFactory(name="Rita Responder"),
        "waiting": UserFactory(name="Walt Waiting"),
    }
    fac, mem = people["facilitator"], people["member"]
    open_space = make_space(creator=fac, name="Commons", description="zebracommons")
    private = make_space(
        creator=fac, name="Back room", description="zebraspace", visibility=Space.Visibility.PRIVATE
    )
    secret = make_space(
        creator=fac, name="Vault", description="zebravault", visibility=Space.Visibility.SECRET
    )
    for space in (open_space, private, secret):
        add_member(space, mem)
    add_member(open_space, people["guest"], Membership.Role.GUEST)
    add_member(private, people["removed"])
    space_actions.remove_member(actor=fac, space=private, user=people["removed"])

    thread = actions.start_thread(author=mem, space=open_space, title="zebraopen", body="")
    hidden = actions.post_reply(author=mem, thread=thread, body="zebrahidden")
    actions.hide_post(actor=fac, post=hidden)
    deleted = actions.post_reply(author=mem, thread=thread, body="zebradeleted")
    actions.delete_reply(actor=mem, reply=deleted)
    gone = actions.start_thread(author=mem, space=open_space, title="zebratombstone", body="")
    actions.delete_thread(actor=mem, thread=gone)
    actions.start_thread(author=mem, space=private, title="zebraprivate", body="")
    actions.start_thread(author=mem, space=secret, title="zebrasecret", body="")

    staff = people["staff"]
    course = course_actions.create_course(actor=staff, title="Maps", summary="")
    cohort = course_actions.add_cohort(
        actor=staff, course=course, name="Map cohort", visibility=Space.Visibility.OPEN
    )
    for name in ("responder", "waiting"):
        add_member(cohort.space, people[name])
    course_actions.create_lesson(actor=staff, course=course, title="zebralesson", publish=True)
    course_actions.create_lesson(actor=staff, course=course, title="zebradraft")
    prompt = actions.start_thread(
        author=staff,
        space=cohort.space,
        title="zebraprompt",
        body="",
        kind="prompt",
        post_first=True,
    )
    actions.post_reply(author=people["responder"], thread=prompt, body="zebraconcealed")
    return World(people=people, prompt=prompt)


EVERYONE_IN_ORG = {"zebracommons", "zebraopen", "zebraspace", "zebraprompt", "zebralesson"}
EXPECTED = {
    # Admins manage every space: hidden posts, drafts and concealed replies too.
    "admin": set(WORDS) - {"zebradeleted", "zebratombstone"},
    # Learning staff manage course spaces (drafts, concealed replies), not others' private ones.
    "staff": EVERYONE_IN_ORG | {"zebraconcealed", "zebradraft"},
    # The facilitator moderates the three spaces, but is a stranger to the course.
    "facilitator": EVERYONE_IN_ORG | {"zebrahidden", "zebraprivate", "zebravault", "zebrasecret"},
    # The member wrote the hidden reply, and belongs to all three spaces.
    "member": EVERYONE_IN_ORG | {"zebrahidden", "zebraprivate", "zebravault", "zebrasecret"},
    # An org member in no space: open content, the private space's name only.
    "outsider": EVERYONE_IN_ORG,
    # An outside guest sees only the space they were invited to.
    "guest": {"zebracommons", "zebraopen"},
    # Removed from the private space: like an outsider again.
    "removed": EVERYONE_IN_ORG,
    # Posted a response to the post-first prompt: sees it (their own) anyway.
    "responder": EVERYONE_IN_ORG | {"zebraconcealed"},
    # Has not posted yet: the responses stay concealed.
    "waiting": EVERYONE_IN_ORG,
}


def found_words(viewer: User) -> set[str]:
    found = set()
    for word in WORDS:
        results = search(viewer=viewer, text=word)
        if len(results):
            found.add(word)
    return found


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_search_finds_only_what_the_viewer_may_read(who, index):
    world = build_world()
    index()
    assert found_words(world.people[who]) == EXPECTED[who]


def test_concealed_responses_show_once_the_viewer_posts(index):
    world = build_world()
    waiting = world.people["waiting"]
    index()
    assert not len(search(viewer=waiting, text="zebraconcealed"))
    actions.post_reply(author=waiting, thread=world.prompt, body="My own answer")
    index()
    assert len(search(viewer=waiting, text="zebraconcealed")) == 1


def test_an_inactive_person_finds_nothing(index):
    world = build_world()
    index()
    member = world.people["member"]
    member.is_active = False
    member.save()
    assert found_words(member) == set()


def test_row_filters_agree_with_the_predicates(index):
    """`spaces_managed_by`, `threads_concealing_replies_from` and
    `courses_with_drafts_visible_to` answer as `can_manage`, `can_see_replies`
    and `can_see_drafts` do, for every viewer of the world."""
    world = build_world()
    from agora.courses.models import Course
    from agora.discussions.models import Thread

    for person in world.people.values():
        managed = set(spaces_managed_by(person).values_list("pk", flat=True))
        assert managed == {s.pk for s in Space.objects.all() if can_manage(person, s)}
        concealing = set(threads_concealing_replies_from(person).values_list("pk", flat=True))
        expected = {
            t.pk
            for t in Thread.objects.select_related("space")
            if not can_see_replies(person, t, has_posted=has_posted_in(user=person, thread=t))
        }
        assert concealing == expected
        drafts = set(courses_with_drafts_visible_to(person).values_list("pk", flat=True))
        assert drafts == {c.pk for c in Course.objects.all() if can_see_drafts(person, c)}
