"""Every write to endorsements and expert requests.

Each action checks permission, validates, saves and records its event in one
transaction; the listeners then refresh the `Expertise` rows it touches.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.models import Profile, Skill, SkillClaim, User
from agora.core.events import record
from agora.discussions.actions import start_thread
from agora.discussions.models import MAX_BODY, MAX_TITLE, Thread
from agora.experts.models import MAX_NOTE, ExpertRequest, SkillEndorsement
from agora.experts.permissions import can_ask, can_endorse, can_hide_endorsement, is_asker
from agora.experts.queries import ask_state, expert_skills
from agora.spaces.actions import add_member, create_space, invite
from agora.spaces.models import Invitation, Membership, Space

CANNOT_ASK = gettext_lazy("You cannot ask this person.")
NOT_ASKER = gettext_lazy("Only the person who asked may do this.")
EMPTY_TITLE = gettext_lazy("Give your question a title.")
UNKNOWN_SKILL = gettext_lazy("Choose one of this person's skills.")
WITHDRAWN = gettext_lazy("This request was withdrawn.")
NOT_ANSWERED = gettext_lazy("Only an answered request can be reopened.")
NOT_OPEN = gettext_lazy("Only an open request can be withdrawn.")


@transaction.atomic
def endorse_skill(
    *, endorser: User, person: User, skill: Skill, note: str = ""
) -> SkillEndorsement:
    """`endorser` vouches for `person`'s `skill`, once; a second call edits the note.

    Only a skill the person lists on their profile can be endorsed.
    """
    if not can_endorse(endorser, person):
        raise PermissionDenied(_("You cannot endorse this person."))
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [_("Keep the note to %(n)d characters.") % {"n": MAX_NOTE}]})
    if not SkillClaim.objects.filter(user=person, skill=skill).exists():
        raise ValidationError(
            {
                "skill": [
                    _("%(name)s does not list %(skill)s.")
                    % {"name": person.name, "skill": skill.name}
                ]
            }
        )
    endorsement, created = SkillEndorsement.objects.get_or_create(
        person=person, skill=skill, endorser=endorser, defaults={"note": note}
    )
    if not created and endorsement.note != note:
        endorsement.note = note
        endorsement.save(update_fields=["note"])
    if created:
        record(
            actor=endorser,
            verb="skill.endorsed",
            obj=endorsement,
            person_id=person.pk,
            skill_id=skill.pk,
            skill=skill.name,
        )
    return endorsement


@transaction.atomic
def withdraw_endorsement(*, endorser: User, endorsement: SkillEndorsement) -> None:
    """The endorser takes their endorsement back."""
    if endorsement.endorser_id != endorser.pk:
        raise PermissionDenied(_("This is not your endorsement."))
    person_id, skill_id = endorsement.person_id, endorsement.skill_id
    endorsement.delete()
    record(
        actor=endorser,
        verb="skill.endorsement_withdrawn",
        person_id=person_id,
        skill_id=skill_id,
    )


@transaction.atomic
def set_endorsement_hidden(
    *, actor: User, endorsement: SkillEndorsement, hidden: bool
) -> SkillEndorsement:
    """The person endorsed hides an endorsement they don't want (or shows it again).
    A hidden endorsement no longer shows nor counts."""
    if not can_hide_endorsement(actor, endorsement):
        raise PermissionDenied(_("Only the person endorsed may hide an endorsement."))
    if endorsement.is_hidden != hidden:
        endorsement.is_hidden = hidden
        endorsement.save(update_fields=["is_hidden"])
        record(
            actor=actor,
            verb="skill.endorsement_hidden" if hidden else "skill.endorsement_shown",
            obj=endorsement,
            person_id=endorsement.person_id,
            skill_id=endorsement.skill_id,
        )
    return endorsement


# --- Expert requests -------------------------------------------------------------------------


def _clean_question(title: str, body: str) -> tuple[str, str]:
    """Return the title and body, tidied; raise ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").replace("\x00", "").split())
    body = (body or "").replace("\x00", "").strip()
    if not title:
        errors["title"] = [str(EMPTY_TITLE)]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE}]
    if len(body) > MAX_BODY:
        errors["body"] = [_("Keep the question under %(n)d characters.") % {"n": MAX_BODY}]
    if errors:
        raise ValidationError(errors)
    return title, body


def _skill_of(expert: User, skill: Skill | int | None) -> Skill | None:
    if skill is None or skill == "":
        return None
    pk = skill.pk if isinstance(skill, Skill) else skill
    found = expert_skills(expert=expert).filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise ValidationError({"skill": [str(UNKNOWN_SKILL)]})
    return found


@transaction.atomic
def ask_expert(
    *, asker: User, expert: User, title: str, body: str = "", skill: Skill | int | None = None
) -> ExpertRequest:
    """Put a question to `expert` in a private conversation; return the request.

    The conversation is a secret community space with the two of them as its
    facilitators (so either may invite more people), holding one question
    thread tagged with `skill`. Raise PermissionDenied when the asker may not
    ask this person, ValidationError for bad input or when the expert is not
    open to questions, away or full (the message then names other experts
    for the skill). Record ``expert_request.asked``, which notifies the
    expert.
    """
    if not can_ask(asker, expert):
        raise PermissionDenied(CANNOT_ASK)
    title, body = _clean_question(title, body)
    tag = _skill_of(expert, skill)
    # Lock the expert's profile: two questions at once must not both pass the cap.
    Profile.objects.get_or_create(user=expert)
    expert.profile = Profile.objects.select_for_update().get(user=expert)
    state = ask_state(viewer=asker, expert=expert, skill=tag)
    if not state.allowed:
        raise ValidationError(state.message, code=state.reason)
    name = _("Question for %(expert)s from %(asker)s") % {
        "expert": expert.name,
        "asker": asker.name,
    }
    space = create_space(
        creator=asker,
        name=name[: Space._meta.get_field("name").max_length],
        kind=Space.Kind.COMMUNITY,
        visibility=Space.Visibility.SECRET,
        slug=f"question-{secrets.token_hex(6)}",
    )
    add_member(actor=asker, space=space, user=expert, role=Membership.Role.FACILITATOR)
    thread = start_thread(
        author=asker,
        space=space,
        title=title,
        body=body,
        kind=Thread.Kind.QUESTION,
        skills=[tag] if tag else [],
    )
    request = ExpertRequest.objects.create(asker=asker, expert=expert, skill=tag, thread=thread)
    record(
        actor=asker,
        verb="expert_request.asked",
        obj=request,
        space=space,
        expert_id=expert.pk,
        thread_id=thread.pk,
        skill_id=tag.pk if tag else None,
        title=title,
    )
    return request


def _lock_request(request: ExpertRequest) -> ExpertRequest:
    locked = ExpertRequest.objects.select_for_update().get(pk=request.pk)
    request.status, request.is_helpful = locked.status, locked.is_helpful
    request.answered_at = locked.answered_at
    return request


def _event_data(request: ExpertRequest) -> dict[str, object]:
    return {
        "expert_id": request.expert_id,
        "asker_id": request.asker_id,
        "thread_id": request.thread_id,
        "skill_id": request.skill_id,
    }


@transaction.atomic
def mark_answered(
    *, asker: User, request: ExpertRequest, helpful: bool | None = None
) -> ExpertRequest:
    """The asker marks `request` answered and, when `helpful` is not None, rates it.

    Calling it again on an answered request changes only the rating.
    Record ``expert_request.answered`` when the status changes and
    ``expert_request.rated`` when the rating does (target: the request);
    listeners refresh the expert's expertise and tell the expert.
    """
    if not is_asker(asker, request):
        raise PermissionDenied(NOT_ASKER)
    request = _lock_request(request)
    if request.status == ExpertRequest.Status.WITHDRAWN:
        raise ValidationError(WITHDRAWN, code="withdrawn")
    if helpful is not None and not isinstance(helpful, bool):
        raise ValidationError({"helpful": [_("Answer yes, no, or leave it unrated.")]})
    newly_answered = request.status != ExpertRequest.Status.ANSWERED
    rated = helpful is not None and helpful != request.is_helpful
    if not newly_answered and not rated:
        return request
    request.status = ExpertRequest.Status.ANSWERED
    request.answered_at = request.answered_at or timezone.now()
    if helpful is not None:
        request.is_helpful = helpful
    request.save(update_fields=["status", "answered_at", "is_helpful"])
    space = request.thread.space
    if newly_answered:
        record(
            actor=asker,
            verb="expert_request.answered",
            obj=request,
            space=space,
            helpful=request.is_helpful,
            **_event_data(request),
        )
    if rated:
        record(
            actor=asker,
            verb="expert_request.rated",
            obj=request,
            space=space,
            helpful=request.is_helpful,
            # Told to the expert with the answer already when both come at once.
            with_answer=newly_answered,
            **_event_data(request),
        )
    return request


@transaction.atomic
def reopen_request(*, asker: User, request: ExpertRequest) -> ExpertRequest:
    """The asker reopens an answered request; its rating goes (it is evidence no more).

    Record ``expert_request.reopened``.
    """
    if not is_asker(asker, request):
        raise PermissionDenied(NOT_ASKER)
    request = _lock_request(request)
    if request.status != ExpertRequest.Status.ANSWERED:
        raise ValidationError(NOT_ANSWERED, code="not_answered")
    request.status = ExpertRequest.Status.OPEN
    request.answered_at = None
    request.is_helpful = None
    request.save(update_fields=["status", "answered_at", "is_helpful"])
    record(
        actor=asker,
        verb="expert_request.reopened",
        obj=request,
        space=request.thread.space,
        **_event_data(request),
    )
    return request


@transaction.atomic
def withdraw_request(*, asker: User, request: ExpertRequest) -> ExpertRequest:
    """The asker withdraws an open request (it frees a place under the expert's limit).

    Record ``expert_request.withdrawn``.
    """
    if not is_asker(asker, request):
        raise PermissionDenied(NOT_ASKER)
    request = _lock_request(request)
    if request.status != ExpertRequest.Status.OPEN:
        raise ValidationError(NOT_OPEN, code="not_open")
    request.status = ExpertRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    record(
        actor=asker,
        verb="expert_request.withdrawn",
        obj=request,
        space=request.thread.space,
        **_event_data(request),
    )
    return request


def invite_to_request(
    *, actor: User, request: ExpertRequest, email: str = "", user: User | None = None
) -> Invitation:
    """Either participant invites someone into the conversation (as a member).

    The conversation's space invitation does the work: the invitee accepts it
    like any other, and the space's rules then let them read and reply.
    """
    return invite(actor=actor, space=request.thread.space, email=email, user=user)
