"""Read paths for expert requests: whether one may ask, whom else to ask, and
the requests a person asked or received, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agora.accounts.models import Availability, Profile, Skill, User
from agora.accounts.permissions import people_visible_to
from agora.experts.models import Expertise, ExpertRequest
from agora.experts.permissions import can_ask, requests_visible_to

SUGGESTIONS = 3
BOXES = ("all", "asked", "received")


def open_request_count(expert: User) -> int:
    """How many of `expert`'s requests are still open."""
    return ExpertRequest.objects.filter(expert=expert, status=ExpertRequest.Status.OPEN).count()


def _open_requests_of(user_ref: str) -> Subquery:
    """The number of open requests of the person at `user_ref` (an OuterRef path)."""
    counted = (
        ExpertRequest.objects.filter(expert=OuterRef(user_ref), status=ExpertRequest.Status.OPEN)
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def suggested_experts(
    *, viewer: User, skill: Skill, exclude: tuple[int, ...] = (), limit: int = SUGGESTIONS
) -> QuerySet[Expertise]:
    """The strongest people on `skill` who take questions now, best first.

    Leaves out `exclude` (the expert who is full or away, the viewer), people
    not open to questions, away, or at their request limit, and people the
    viewer may not see.
    """
    return (
        Expertise.objects.filter(
            skill=skill,
            user__in=people_visible_to(viewer).values("pk"),
            user__profile__open_to_questions=True,
        )
        .exclude(user__profile__availability=Availability.AWAY)
        .exclude(user_id__in=[*exclude, viewer.pk])
        .annotate(open_requests=_open_requests_of("user_id"))
        .filter(open_requests__lt=F("user__profile__request_limit"))
        .select_related("user__profile", "skill")
        .order_by("-score", "pk")[:limit]
    )


@dataclass(frozen=True)
class AskState:
    """Whether `viewer` may ask `expert` now; when not, why, and whom else to ask."""

    allowed: bool
    reason: str = ""  # "", "not_allowed", "not_open", "away", "full"
    message: str = ""
    open_count: int = 0
    limit: int = 0
    skill: Skill | None = None
    suggestions: list[Expertise] = field(default_factory=list)


def _profile_of(expert: User) -> Profile:
    try:
        return expert.profile
    except Profile.DoesNotExist:
        return Profile(user=expert)


def ask_state(*, viewer: User, expert: User, skill: Skill | None = None) -> AskState:
    """Whether `viewer` may ask `expert` now, with the reason and suggestions when not.

    Suggestions are for `skill`, or else for the expert's strongest skill.
    """
    profile = _profile_of(expert)
    open_count = open_request_count(expert) if expert.pk else 0
    limit = profile.request_limit
    if not can_ask(viewer, expert):
        return AskState(False, "not_allowed", _("You cannot ask this person."), open_count, limit)
    if not profile.open_to_questions:
        reason, message = "not_open", _("%(name)s is not taking questions now.")
    elif profile.availability == Availability.AWAY:
        reason, message = "away", _("%(name)s is away.")
    elif open_count >= limit:
        reason = "full"
        message = ngettext(
            "%(name)s is full: %(count)d open question.",
            "%(name)s is full: %(count)d open questions.",
            open_count,
        )
    else:
        return AskState(True, open_count=open_count, limit=limit, skill=skill)
    message = message % {"name": expert.name, "count": open_count}
    if reason == "away" and profile.availability_note:
        message += " " + profile.availability_note
    if skill is None:
        top = Expertise.objects.filter(user=expert).select_related("skill").first()
        skill = top.skill if top else None
    suggestions = (
        list(suggested_experts(viewer=viewer, skill=skill, exclude=(expert.pk,))) if skill else []
    )
    if suggestions:
        message += " " + _("You could ask: %(names)s.") % {
            "names": ", ".join(row.user.name for row in suggestions)
        }
    return AskState(False, reason, message, open_count, limit, skill, suggestions)


def expert_skills(*, expert: User) -> QuerySet[Skill]:
    """Skills a question to `expert` may be tagged with: those they claim or have evidence on."""
    return (
        Skill.objects.filter(Q(claims__user=expert) | Q(experts__user=expert))
        .distinct()
        .order_by("name")
    )


def person_requests(*, viewer: User, box: str = "all") -> QuerySet[ExpertRequest]:
    """Requests `viewer` asked and/or received, newest first, ready for the list."""
    requests = requests_visible_to(viewer)
    if box == "asked":
        requests = requests.filter(asker=viewer)
    elif box == "received":
        requests = requests.filter(expert=viewer)
    return requests.select_related(
        "asker__profile", "expert__profile", "skill", "thread__space"
    ).order_by("-created_at", "-pk")
