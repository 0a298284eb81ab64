"""Skill endorsements and the evidence behind expertise, over the API."""

from django.http import Http404, HttpRequest
from ninja import Router, Status

from agora.accounts.permissions import access_person
from agora.api.schemas import PathId
from agora.experts import actions
from agora.experts.models import SkillEndorsement
from agora.experts.queries import (
    EvidenceItem,
    access_received_endorsement,
    access_skill,
    endorsement_by,
    endorsements_of,
    skill_evidence,
)
from agora.experts.schemas import (
    EndorsementIn,
    EndorsementOut,
    EndorsementPatch,
    EvidenceOut,
    SkillSlug,
)

router = Router(tags=["experts"])


def endorsement_out(endorsement: SkillEndorsement) -> dict:
    return {
        "id": endorsement.pk,
        "person_id": endorsement.person_id,
        "skill": endorsement.skill.name,
        "skill_slug": endorsement.skill.slug,
        "endorser_id": endorsement.endorser_id,
        "endorser_name": endorsement.endorser.name,
        "note": endorsement.note,
        "is_hidden": endorsement.is_hidden,
        "created_at": endorsement.created_at,
    }


def _item_out(entry: EvidenceItem) -> dict:
    target = entry.reply or entry.thread or entry.space
    return {
        "kind": entry.kind,
        "at": entry.at,
        "weight": entry.weight,
        "decay": entry.decay,
        "points": entry.points,
        "space_id": entry.space.pk if entry.space else None,
        "space_name": entry.space.name if entry.space else None,
        "thread_id": entry.thread.pk if entry.thread else None,
        "thread_title": entry.thread.title if entry.thread else None,
        "reply_id": entry.reply.pk if entry.reply else None,
        "url": target.get_absolute_url() if target else None,
        "person_id": entry.person.pk if entry.person else None,
        "person_name": entry.person.name if entry.person else None,
        "note": entry.note,
    }


@router.get(
    "/people/{user_id}/skills/{skill}/evidence", response=EvidenceOut, url_name="skill_evidence"
)
def get_evidence(request: HttpRequest, user_id: PathId, skill: SkillSlug):
    """The evidence behind a person's score on a skill, and how it adds up."""
    person = access_person(request.user, user_id)
    evidence = skill_evidence(viewer=request.user, person=person, skill=access_skill(skill))
    claim = evidence.claim
    return {
        "person_id": person.pk,
        "skill": evidence.skill.name,
        "skill_slug": evidence.skill.slug,
        "level": claim.level if claim else "",
        "years": claim.years if claim else None,
        "level_points": evidence.level_points,
        "score": evidence.total,
        "counts": evidence.counts,
        "items": [_item_out(entry) for entry in evidence.items],
        "hidden_count": evidence.hidden_count,
        "hidden_points": evidence.hidden_points,
        "half_life_days": evidence.half_life_days,
    }


@router.get(
    "/people/{user_id}/skills/{skill}/endorsements",
    response=list[EndorsementOut],
    url_name="skill_endorsements",
)
def list_endorsements(request: HttpRequest, user_id: PathId, skill: SkillSlug):
    """Who endorses a person's skill (hidden ones only for the person and admins)."""
    person = access_person(request.user, user_id)
    endorsements = endorsements_of(viewer=request.user, person=person, skill=access_skill(skill))
    return [endorsement_out(e) for e in endorsements[:500]]


@router.post(
    "/people/{user_id}/skills/{skill}/endorsements",
    response={200: EndorsementOut, 201: EndorsementOut},
    url_name="skill_endorse",
)
def endorse(request: HttpRequest, user_id: PathId, skill: SkillSlug, data: EndorsementIn):
    """Endorse a colleague's skill, once (sending again changes the note)."""
    person = access_person(request.user, user_id)
    found = access_skill(skill)
    existed = endorsement_by(endorser=request.user, person=person, skill=found) is not None
    endorsement = actions.endorse_skill(
        endorser=request.user, person=person, skill=found, note=data.note
    )
    return Status(200 if existed else 201, endorsement_out(endorsement))


@router.delete(
    "/people/{user_id}/skills/{skill}/endorsements",
    response={204: None},
    url_name="skill_endorsement_withdraw",
)
def withdraw(request: HttpRequest, user_id: PathId, skill: SkillSlug):
    """Withdraw my endorsement of a colleague's skill."""
    person = access_person(request.user, user_id)
    endorsement = endorsement_by(endorser=request.user, person=person, skill=access_skill(skill))
    if endorsement is None:
        raise Http404("You have not endorsed this skill.")
    actions.withdraw_endorsement(endorser=request.user, endorsement=endorsement)
    return Status(204, None)


@router.patch(
    "/people/{user_id}/endorsements/{endorsement_id}",
    response=EndorsementOut,
    url_name="endorsement_update",
)
def update_endorsement(
    request: HttpRequest, user_id: PathId, endorsement_id: PathId, data: EndorsementPatch
):
    """Hide or show an endorsement I received."""
    person = access_person(request.user, user_id)
    endorsement = access_received_endorsement(person, endorsement_id)
    endorsement = actions.set_endorsement_hidden(
        actor=request.user, endorsement=endorsement, hidden=data.is_hidden
    )
    return endorsement_out(endorsement)
