"""Every write to endorsements (and, later, expert requests).

Each action checks permission, validates, saves and records its event in one
transaction; the listeners then refresh the `Expertise` rows it touches.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agora.accounts.models import Skill, SkillClaim, User
from agora.core.events import record
from agora.experts.models import MAX_NOTE, SkillEndorsement
from agora.experts.permissions import can_endorse, can_hide_endorsement


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
