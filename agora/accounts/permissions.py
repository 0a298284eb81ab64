"""Who may see whom, and which of a person's contact fields."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from agora.accounts.models import ContactVisibility, Profile, User
from agora.spaces.models import Membership

CONTACT_FIELDS = {
    "email": "email_visibility",
    "phone": "phone_visibility",
    "chat_handle": "chat_visibility",
    "links": "links_visibility",
}


def _shares_space(viewer: User, person: User) -> bool:
    return Membership.objects.filter(user=person, space__memberships__user=viewer).exists()


def people_visible_to(viewer: User) -> QuerySet[User]:
    """Active people `viewer` may see: everyone for members of the organization;
    for guests, only themselves and people who share a space with them."""
    if not viewer.is_authenticated or not viewer.is_active:
        return User.objects.none()
    people = User.objects.filter(is_active=True)
    if viewer.is_guest:
        shares = Exists(
            Membership.objects.filter(user=OuterRef("pk"), space__memberships__user=viewer)
        )
        return people.filter(shares | Q(pk=viewer.pk))
    return people


def can_see_person(viewer: User, person: User) -> bool:
    if not viewer.is_authenticated or not viewer.is_active or not person.is_active:
        return False
    if viewer.pk == person.pk or not viewer.is_guest:
        return True
    return _shares_space(viewer, person)


def access_person(viewer: User, user_id: int) -> User:
    """Return the active person `user_id` if `viewer` may see them; else raise Http404."""
    person = people_visible_to(viewer).select_related("profile").filter(pk=user_id).first()
    if person is None:
        raise Http404("No such person.")
    return person


def visible_contact_fields(viewer: User, person: User, profile: Profile) -> set[str]:
    """Return the contact fields of `person` that `viewer` may see.

    "Everyone in the organization" excludes outside guests unless they share
    a space; "people who share a space" needs a common space; "only me" is
    only the person.
    """
    if viewer.pk == person.pk:
        return set(CONTACT_FIELDS)
    shares: bool | None = None
    visible = set()
    for field, attribute in CONTACT_FIELDS.items():
        level = getattr(profile, attribute)
        if level == ContactVisibility.ONLY_ME:
            continue
        if level == ContactVisibility.ORGANIZATION and not viewer.is_guest:
            visible.add(field)
            continue
        if shares is None:
            shares = _shares_space(viewer, person)
        if shares:
            visible.add(field)
    return visible


def can_edit_profile(editor: User, person: User) -> bool:
    return editor.is_authenticated and (editor.pk == person.pk or editor.is_org_admin)


def can_administer(user: User) -> bool:
    return user.is_authenticated and user.is_org_admin
