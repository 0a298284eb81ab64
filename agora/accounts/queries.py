"""Read paths for people pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Lower

from agora.accounts.models import AccessToken, Profile, SkillClaim, User
from agora.accounts.permissions import people_visible_to


def people_directory(
    *, viewer: User, query: str = "", department: str = "", location: str = ""
) -> QuerySet[User]:
    """People `viewer` may see, filtered, sorted by name, with their profiles."""
    people = people_visible_to(viewer).select_related("profile")
    if query:
        people = people.filter(name__icontains=query)
    if department:
        people = people.filter(profile__department=department)
    if location:
        people = people.filter(profile__location=location)
    return people.order_by(Lower("name"), "pk")


def directory_facets(*, viewer: User) -> tuple[list[str], list[str]]:
    """Return the departments and locations of people `viewer` may see, sorted."""
    profiles = Profile.objects.filter(user__in=people_visible_to(viewer).values("pk"))
    departments = (
        profiles.exclude(department="")
        .values_list("department", flat=True)
        .distinct()
        .order_by("department")
    )
    locations = (
        profiles.exclude(location="")
        .values_list("location", flat=True)
        .distinct()
        .order_by("location")
    )
    return list(departments[:500]), list(locations[:500])


def person_skills(*, person: User) -> QuerySet[SkillClaim]:
    return SkillClaim.objects.filter(user=person).select_related("skill").order_by("skill__name")


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at")
