"""Who may endorse whom, and who may see and change endorsements and requests."""

from __future__ import annotations

from agora.accounts.models import User
from agora.accounts.permissions import can_see_person
from agora.experts.models import SkillEndorsement


def can_endorse(viewer: User, person: User) -> bool:
    """Members of the organization endorse colleagues they can see; never themselves.
    Guests don't endorse: they have seen too little of anyone's work."""
    return (
        viewer.is_authenticated
        and viewer.is_active
        and not viewer.is_guest
        and viewer.pk != person.pk
        and can_see_person(viewer, person)
    )


def can_hide_endorsement(viewer: User, endorsement: SkillEndorsement) -> bool:
    """The person endorsed decides whether an endorsement shows (admins too)."""
    return viewer.is_authenticated and (viewer.pk == endorsement.person_id or viewer.is_org_admin)
