"""Who may endorse whom, and who may see and change endorsements and requests."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from agora.accounts.models import Availability, User
from agora.accounts.permissions import can_see_person
from agora.experts.models import ExpertRequest, SkillEndorsement


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


# --- Expert requests -------------------------------------------------------------------------


def can_ask(asker: User, expert: User) -> bool:
    """Members of the organization ask colleagues they can see; never themselves.

    Guests don't ask: a request opens a space, and guests start none. Whether
    the expert takes questions now (open, not away, not full) is a separate
    answer with a reason: see `queries.ask_state`.
    """
    return (
        asker.is_authenticated
        and asker.is_active
        and not asker.is_guest
        and asker.pk != expert.pk
        and can_see_person(asker, expert)
    )


ASK_REFUSALS = ("not_allowed", "not_open", "away", "full")


def ask_refusal(
    asker: User,
    *,
    expert_id: int,
    open_to_questions: bool,
    availability: str,
    open_count: int,
    limit: int,
) -> str:
    """Why `asker` may not ask this expert now, one of `ASK_REFUSALS`; "" when they may.

    The expert is one `asker` may see (`can_ask` checks that too). This is
    the one rule for every "Ask" button: a profile's (`queries.ask_state`),
    a search result's, the ask form's.
    """
    if not asker.is_authenticated or not asker.is_active or asker.is_guest:
        return "not_allowed"
    if asker.pk == expert_id:
        return "not_allowed"
    if not open_to_questions:
        return "not_open"
    if availability == Availability.AWAY:
        return "away"
    if open_count >= limit:
        return "full"
    return ""


def is_asker(user: User, request: ExpertRequest) -> bool:
    """The asker alone closes, rates, reopens or withdraws their request."""
    return user.is_authenticated and user.pk == request.asker_id


def requests_visible_to(user: User) -> QuerySet[ExpertRequest]:
    """Requests `user` asked or received (what the "My requests" page and API list).

    People invited into a conversation read it as a thread of its space; the
    request itself stays between asker and expert.
    """
    if not user.is_authenticated or not user.is_active:
        return ExpertRequest.objects.none()
    return ExpertRequest.objects.filter(Q(asker=user) | Q(expert=user))


def can_see_request(user: User, request: ExpertRequest) -> bool:
    participants = (request.asker_id, request.expert_id)
    return user.is_authenticated and user.is_active and user.pk in participants


def access_request(user: User, request_id: int) -> ExpertRequest:
    """Return request `request_id` if `user` asked or received it; else raise Http404."""
    request = (
        requests_visible_to(user)
        .select_related("asker", "expert", "skill", "thread__space")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404("No such request.")
    return request
