"""Skills on profiles: the evidence page, endorsing, withdrawing, hiding endorsements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.permissions import access_person
from agora.experts import actions
from agora.experts.forms import EndorseForm, EndorsementVisibilityForm
from agora.experts.permissions import can_endorse
from agora.experts.queries import (
    access_received_endorsement,
    access_skill,
    endorsement_by,
    endorsements_of,
    skill_evidence,
)


@login_required
def skill_evidence_page(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    person = access_person(request.user, user_id)
    skill = access_skill(slug)
    evidence = skill_evidence(viewer=request.user, person=person, skill=skill)
    endorsements = list(endorsements_of(viewer=request.user, person=person, skill=skill))
    mine = next((e for e in endorsements if e.endorser_id == request.user.pk), None)
    context = {
        "person": person,
        "skill": skill,
        "evidence": evidence,
        "endorsements": endorsements,
        "viewer_endorsement": mine,
        "can_endorse": evidence.claim is not None and can_endorse(request.user, person),
        "is_me": person.pk == request.user.pk,
        "form": EndorseForm(initial={"note": mine.note if mine else ""}),
    }
    return render(request, "experts/skill_evidence.html", context)


def _back(request: HttpRequest, person_id: int, slug: str) -> HttpResponse:
    """Back to the page the form was on: the profile, or the skill's evidence page."""
    if request.POST.get("next") == "evidence":
        return redirect("skill_evidence", user_id=person_id, slug=slug)
    return redirect("person_detail", user_id=person_id)


@login_required
@require_POST
def endorse(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    person = access_person(request.user, user_id)
    skill = access_skill(slug)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, person.pk, skill.slug)
    try:
        actions.endorse_skill(
            endorser=request.user, person=person, skill=skill, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("You endorsed %(name)s for %(skill)s.") % {"name": person.name, "skill": skill.name},
        )
    return _back(request, person.pk, skill.slug)


@login_required
@require_POST
def withdraw(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    person = access_person(request.user, user_id)
    skill = access_skill(slug)
    endorsement = endorsement_by(endorser=request.user, person=person, skill=skill)
    if endorsement is None:
        raise Http404("You have not endorsed this skill.")
    actions.withdraw_endorsement(endorser=request.user, endorsement=endorsement)
    messages.success(request, _("Your endorsement is withdrawn."))
    return _back(request, person.pk, skill.slug)


@login_required
@require_POST
def endorsement_visibility(request: HttpRequest, user_id: int, endorsement_id: int) -> HttpResponse:
    person = access_person(request.user, user_id)
    endorsement = access_received_endorsement(person, endorsement_id)
    form = EndorsementVisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose hide or show."))
        return _back(request, person.pk, endorsement.skill.slug)
    hidden = form.cleaned_data["hidden"]
    actions.set_endorsement_hidden(actor=request.user, endorsement=endorsement, hidden=hidden)
    messages.success(
        request,
        _("The endorsement is hidden.") if hidden else _("The endorsement shows again."),
    )
    return _back(request, person.pk, endorsement.skill.slug)
