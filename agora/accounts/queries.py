"""Read paths for people pages and the API."""

from __future__ import annotations

from django.core.cache import cache
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


FACETS_CACHE_KEY = "people:directory-facets"
FACETS_CACHE_SECONDS = 300


def directory_facets(*, viewer: User) -> tuple[list[str], list[str]]:
    """Return the departments and locations of people `viewer` may see, sorted.

    Everyone in the organization sees the same lists, so they are cached
    (two DISTINCT scans over every profile cost tens of milliseconds at 10k
    people); a profile edit clears the cache. Guests see few people: their
    lists are computed each time.
    """
    if viewer.is_guest:
        return _facets(viewer)
    return cache.get_or_set(FACETS_CACHE_KEY, lambda: _facets(viewer), FACETS_CACHE_SECONDS)


def forget_directory_facets() -> None:
    cache.delete(FACETS_CACHE_KEY)


def _facets(viewer: User) -> tuple[list[str], list[str]]:
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
