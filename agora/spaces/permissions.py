"""Who may see and do what in a space: small predicates, one row filter each.

Three levels of sight, from wide to narrow:
- *see* a space: it is listed and its home shows its name and description;
- *view* its content: activity feed, members, and later threads and files;
- *manage* it: edit, invite, approve, change roles, archive.
Org admins manage every space; learning staff manage every course space;
a space's facilitators manage it. Org guests see only their own spaces.
`spaces_visible_to` and `can_see` answer the same question for rows and for
one space, and are tested together as a matrix.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from agora.accounts.models import User
from agora.spaces.models import JoinRequest, Membership, Space

POSTING_ROLES = (Membership.Role.FACILITATOR, Membership.Role.MEMBER, Membership.Role.GUEST)


def _is_admin(user: User) -> bool:
    return user.is_authenticated and user.is_org_admin


def _is_staff(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.org_role == user.OrgRole.STAFF


def role_in(user: User, space: Space) -> str | None:
    """Return `user`'s role in `space`, or None; cached on the user object per request."""
    if not user.is_authenticated or space.pk is None:
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_space_roles", {})
    if space.pk not in cache:
        cache[space.pk] = (
            Membership.objects.filter(space=space, user=user).values_list("role", flat=True).first()
        )
    return cache[space.pk]


def remember_roles(users: Iterable[User], space: Space) -> None:
    """Read the roles of `users` in `space` in one query, into `role_in`'s cache."""
    people = {user.pk: user for user in users}
    roles = dict(
        Membership.objects.filter(space=space, user_id__in=people).values_list("user_id", "role")
    )
    for user_id, user in people.items():
        user.__dict__.setdefault("_space_roles", {})[space.pk] = roles.get(user_id)


# What the predicates of the spaces and discussions read of a user, besides
# who they are (compared with authors) and their role in the space.
STANDING_FIELDS = ("is_active", "org_role")


def standing(user: User, space: Space) -> tuple:
    """What the predicates of the spaces and discussions read of `user` in
    `space`, besides who they are: two people of the same standing have the
    same rights there, on what neither of them wrote.

    Live updates render once per standing rather than once per viewer (see
    `ThreadConsumer.deliveries`). A predicate that comes to read more of a
    user must add it to `STANDING_FIELDS`; `tests/spaces/test_permissions.py`
    checks every predicate against this key.
    """
    return (*(getattr(user, name) for name in STANDING_FIELDS), role_in(user, space))


def standings(user_ids: Iterable[int], space: Space) -> dict[int, tuple]:
    """The `standing` of each of `user_ids` in `space`, read fresh in one query,
    without building the users (accounts that no longer exist are left out)."""
    role = Membership.objects.filter(space=space, user=OuterRef("pk")).values("role")[:1]
    rows = (
        User.objects.filter(pk__in=list(user_ids))
        .annotate(space_role=Subquery(role))
        .values_list("pk", *STANDING_FIELDS, "space_role")
    )
    return {pk: tuple(values) for pk, *values in rows}


def forget_roles(user: User) -> None:
    """Drop the cached roles after `user`'s memberships change."""
    user.__dict__.pop("_space_roles", None)


def spaces_visible_to(user: User) -> QuerySet[Space]:
    """Spaces `user` may see: their own, every non-secret one (not for guests), all for admins."""
    if not user.is_authenticated or not user.is_active:
        return Space.objects.none()
    if _is_admin(user):
        return Space.objects.all()
    is_member = Exists(Membership.objects.filter(space=OuterRef("pk"), user=user))
    if user.is_guest:
        return Space.objects.filter(is_member)
    condition = ~Q(visibility=Space.Visibility.SECRET) | is_member
    if _is_staff(user):
        condition |= Q(kind=Space.Kind.COURSE)
    return Space.objects.filter(condition)


def can_see(user: User, space: Space) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if can_manage(user, space) or role_in(user, space) is not None:
        return True
    return not user.is_guest and space.visibility != Space.Visibility.SECRET


def can_view_content(user: User, space: Space) -> bool:
    """Whether `user` may read the space's feed, members and posts."""
    if not can_see(user, space):
        return False
    if can_manage(user, space) or role_in(user, space) is not None:
        return True
    return space.visibility == Space.Visibility.OPEN


def spaces_with_content_visible_to(user: User) -> QuerySet[Space]:
    """Spaces whose content `user` may read (the row filter of `can_view_content`)."""
    if not user.is_authenticated or not user.is_active:
        return Space.objects.none()
    if _is_admin(user):
        return Space.objects.all()
    is_member = Exists(Membership.objects.filter(space=OuterRef("pk"), user=user))
    if user.is_guest:
        return Space.objects.filter(is_member)
    condition = Q(visibility=Space.Visibility.OPEN) | is_member
    if _is_staff(user):
        condition |= Q(kind=Space.Kind.COURSE)
    return Space.objects.filter(condition)


def spaces_managed_by(user: User) -> QuerySet[Space]:
    """Spaces `user` manages (the row filter of `can_manage`)."""
    if not user.is_authenticated or not user.is_active:
        return Space.objects.none()
    if _is_admin(user):
        return Space.objects.all()
    facilitates = Exists(
        Membership.objects.filter(space=OuterRef("pk"), user=user, role=Membership.Role.FACILITATOR)
    )
    condition = Q(facilitates)
    if _is_staff(user):
        condition |= Q(kind=Space.Kind.COURSE)
    return Space.objects.filter(condition)


def can_join(user: User, space: Space) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_guest
        and not space.is_archived
        and space.visibility == Space.Visibility.OPEN
        and role_in(user, space) is None
    )


def can_request_to_join(user: User, space: Space) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_guest
        and not space.is_archived
        and space.visibility == Space.Visibility.PRIVATE
        and role_in(user, space) is None
    )


def has_pending_request(user: User, space: Space) -> bool:
    return JoinRequest.objects.filter(
        space=space, user=user, status=JoinRequest.Status.PENDING
    ).exists()


def can_post_in(user: User, space: Space) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not space.is_archived
        and role_in(user, space) in POSTING_ROLES
    )


def can_manage(user: User, space: Space) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if _is_admin(user):
        return True
    if _is_staff(user) and space.kind == Space.Kind.COURSE:
        return True
    return role_in(user, space) == Membership.Role.FACILITATOR


def can_leave(user: User, space: Space) -> bool:
    return role_in(user, space) is not None


def can_create_space(user: User, kind: str | None = None) -> bool:
    """Anyone in the organization may start a space; courses belong to learning staff."""
    if not user.is_authenticated or not user.is_active or user.is_guest:
        return False
    if kind == Space.Kind.COURSE:
        return _is_admin(user) or _is_staff(user)
    return True


def allowed_kinds(user: User) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Space.Kind.choices if can_create_space(user, value)]


def access_space(user: User, slug: str) -> Space:
    """Return the space with `slug` if `user` may see it; else raise Http404."""
    space = spaces_visible_to(user).filter(slug=slug).first()
    if space is None:
        raise Http404("No such space.")
    return space


def access_space_by_id(user: User, space_id: int) -> Space:
    """Return the space with `space_id` if `user` may see it; else raise Http404."""
    space = spaces_visible_to(user).filter(pk=space_id).first()
    if space is None:
        raise Http404("No such space.")
    return space
