"""Read paths for people pages and the API."""

from __future__ import annotations

from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower

from agora.accounts.models import AccessToken, Profile, SkillClaim, User
from agora.accounts.permissions import people_visible_to
from agora.spaces.models import Membership, Space

MENTION_LIMIT = 8


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


FACETS_CACHE_KEY = "people:directory-facets:v2"
FACETS_CACHE_SECONDS = 300


class Facets(NamedTuple):
    """The values people have, for the filters of the directory and the expert finder."""

    departments: list[str]
    locations: list[str]
    time_zones: list[str]


FACET_LIMIT = 500


def directory_facets(*, viewer: User) -> Facets:
    """Return the departments, locations and time zones of people `viewer` may see, sorted.

    Everyone in the organization sees the same lists, so they are cached
    (DISTINCT scans over every profile cost tens of milliseconds at 10k
    people); a profile edit clears the cache. Guests see few people: their
    lists are computed each time.
    """
    if viewer.is_guest:
        return _facets(viewer)
    return cache.get_or_set(FACETS_CACHE_KEY, lambda: _facets(viewer), FACETS_CACHE_SECONDS)


def forget_directory_facets() -> None:
    cache.delete(FACETS_CACHE_KEY)


def _facets(viewer: User) -> Facets:
    people = people_visible_to(viewer)
    profiles = Profile.objects.filter(user__in=people.values("pk"))

    def distinct(rows: QuerySet, column: str) -> list[str]:
        values = rows.exclude(**{column: ""}).values_list(column, flat=True).distinct()
        return list(values.order_by(column)[:FACET_LIMIT])

    return Facets(
        distinct(profiles, "department"),
        distinct(profiles, "location"),
        distinct(people, "time_zone"),
    )


def person_skills(*, person: User) -> QuerySet[SkillClaim]:
    return SkillClaim.objects.filter(user=person).select_related("skill").order_by("skill__name")


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at")


def mention_candidates(*, viewer: User, query: str, space: Space | None = None) -> list[User]:
    """Up to eight people `viewer` may see whose handle or name starts with `query`.

    Members of `space` come first, then everyone else, each by name. A
    query of the form ``ada`` matches the handle ``ada-lovelace`` and the
    name "Ada Lovelace" (and "Grace Ada…": any word of the name).
    """
    query = query.strip().removeprefix("@").lower()
    if not query:
        return []
    matches = Q(handle__startswith=query) | Q(name__istartswith=query)
    matches |= Q(name__icontains=f" {query}")
    people = people_visible_to(viewer).filter(matches)
    if space is not None:
        in_space = Exists(Membership.objects.filter(space=space, user=OuterRef("pk")))
        people = people.annotate(in_space=in_space)
    else:
        people = people.annotate(in_space=Value(False))
    return list(
        people.select_related("profile").order_by("-in_space", Lower("name"), "pk")[:MENTION_LIMIT]
    )
