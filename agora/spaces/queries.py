"""Read paths for space pages and the API: visibility first, then everything
the template touches, in a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from agora.core.feed import feed_verbs
from agora.core.models import Event
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from agora.spaces.permissions import spaces_visible_to, spaces_with_content_visible_to

if TYPE_CHECKING:
    from agora.accounts.models import Skill, User

SCOPES = ("all", "mine")


def space_directory(
    *, viewer: User, scope: str = "all", kind: str = "", query: str = ""
) -> QuerySet[Space]:
    """Spaces for the directory, each annotated with the viewer's role (or None)."""
    spaces = spaces_visible_to(viewer)
    viewer_role = Membership.objects.filter(space=OuterRef("pk"), user=viewer).values("role")[:1]
    spaces = spaces.annotate(viewer_role=Subquery(viewer_role))
    if scope == "mine":
        spaces = spaces.filter(memberships__user=viewer)
    else:
        # Archived spaces stay reachable under "mine"; the directory lists active ones.
        spaces = spaces.filter(status=Space.Status.ACTIVE)
    if kind in Space.Kind.values:
        spaces = spaces.filter(kind=kind)
    if query:
        spaces = spaces.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return spaces.select_related("parent").order_by("name", "pk")


def space_members(*, space: Space, role: str = "") -> QuerySet[Membership]:
    """Members of `space`, facilitators first, then by name."""
    members = Membership.objects.filter(space=space).select_related("user__profile", "space")
    if role in Membership.Role.values:
        members = members.filter(role=role)
    order = Case(
        When(role=Membership.Role.FACILITATOR, then=Value(0)),
        When(role=Membership.Role.MEMBER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return members.annotate(role_order=order).order_by("role_order", "user__name", "pk")


def space_feed(*, space: Space) -> QuerySet[Event]:
    """Feed events of `space`, newest first (the caller has checked the viewer may read it)."""
    return (
        Event.objects.filter(space=space, verb__in=feed_verbs())
        .select_related("actor__profile", "space")
        .order_by("-created_at", "-pk")
    )


def person_feed(*, viewer: User, person: User) -> QuerySet[Event]:
    """Feed events by `person` that `viewer` may read, newest first."""
    readable = spaces_with_content_visible_to(viewer).values("pk")
    return (
        Event.objects.filter(actor=person, verb__in=feed_verbs())
        .filter(Q(space__isnull=True) | Q(space__in=readable))
        .select_related("actor__profile", "space")
        .order_by("-created_at", "-pk")
    )


def home_feed(*, viewer: User) -> QuerySet[Event]:
    """Feed events from the viewer's spaces, newest first."""
    return (
        Event.objects.filter(space__memberships__user=viewer, verb__in=feed_verbs())
        .select_related("actor__profile", "space")
        .order_by("-created_at", "-pk")
    )


def person_spaces(*, viewer: User, person: User) -> QuerySet[Membership]:
    """`person`'s memberships in spaces `viewer` may see."""
    return (
        Membership.objects.filter(user=person, space__in=spaces_visible_to(viewer).values("pk"))
        .select_related("space")
        .order_by("space__name")
    )


def pending_invitations_for(user: User) -> QuerySet[Invitation]:
    """Open invitations for `user` (by account or address) into active spaces."""
    return (
        Invitation.objects.filter(status=Invitation.Status.PENDING)
        .exclude(space__status=Space.Status.ARCHIVED)
        .filter(Q(invitee=user) | Q(email__iexact=user.email))
        .select_related("space", "invited_by")
        .order_by("-created_at")
    )


def space_invitations(*, space: Space) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(space=space, status=Invitation.Status.PENDING)
        .select_related("invited_by", "invitee")
        .order_by("-created_at")
    )


def space_join_requests(*, space: Space) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(space=space, status=JoinRequest.Status.PENDING)
        .select_related("user__profile")
        .order_by("created_at")
    )


def parent_choices(*, viewer: User, exclude: Space | None = None) -> QuerySet[Space]:
    spaces = spaces_visible_to(viewer).filter(status=Space.Status.ACTIVE).order_by("name")
    if exclude is not None:
        spaces = spaces.exclude(pk=exclude.pk)
    return spaces


def child_spaces(*, viewer: User, space: Space) -> QuerySet[Space]:
    """Spaces inside `space` that `viewer` may see (project teams in a course)."""
    return spaces_visible_to(viewer).filter(parent=space).order_by("name", "pk")


def space_skills(*, space: Space) -> list[Skill]:
    """The skills `space` is tagged with, by name."""
    return list(space.skills.order_by("name").only("pk", "name", "slug"))
