"""The space rules, restated independently of `agora/spaces/permissions.py`.

Permission matrices (spaces, discussions, and every later feature) compare
the code under test with these expectations, so the rules are written down
once for the tests too.
"""

from __future__ import annotations

from agora.accounts.models import User
from agora.spaces.models import Membership, Space

ADMIN, STAFF, ADVOCATE, ORG_MEMBER, ORG_GUEST = (
    User.OrgRole.ADMIN,
    User.OrgRole.STAFF,
    User.OrgRole.ADVOCATE,
    User.OrgRole.MEMBER,
    User.OrgRole.GUEST,
)
FACILITATOR, MEMBER, GUEST = (
    Membership.Role.FACILITATOR,
    Membership.Role.MEMBER,
    Membership.Role.GUEST,
)
OPEN, PRIVATE, SECRET = Space.Visibility.OPEN, Space.Visibility.PRIVATE, Space.Visibility.SECRET
COURSE, COMMUNITY = Space.Kind.COURSE, Space.Kind.COMMUNITY
ACTIVE, ARCHIVED = Space.Status.ACTIVE, Space.Status.ARCHIVED


def space_rights(
    org_role: str, space_role: str | None, visibility: str, kind: str, status: str
) -> dict[str, bool]:
    """What a person may do in a space: see, view, join, request, post, manage, leave."""
    belongs = space_role is not None
    archived = status == ARCHIVED
    manage = (
        org_role == ADMIN or (org_role == STAFF and kind == COURSE) or space_role == FACILITATOR
    )
    # An outside guest sees only the spaces they were invited into.
    see = belongs if org_role == ORG_GUEST else manage or belongs or visibility != SECRET
    return {
        "see": see,
        "view": see and (manage or belongs or visibility == OPEN),
        "join": org_role != ORG_GUEST and not belongs and not archived and visibility == OPEN,
        "request": (
            org_role != ORG_GUEST and not belongs and not archived and visibility == PRIVATE
        ),
        "post": belongs and not archived,
        "manage": manage,
        "leave": belongs,
    }
