"""Pages for expert requests: ask someone, list my requests, close or rate one.

The conversation itself is the question thread's normal page, with a small
request bar on top (see ``templatetags/expert_requests.py``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.permissions import access_person
from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.experts import actions
from agora.experts.forms import AnsweredForm, AskForm
from agora.experts.models import ExpertRequest
from agora.experts.permissions import access_request
from agora.experts.queries import BOXES, ask_state, expert_skills, person_requests

PER_PAGE = 20


@login_required
def ask(request: HttpRequest, user_id: int) -> HttpResponse:
    """Ask `user_id` a question: a form, or why not now and whom else to ask."""
    expert = access_person(request.user, user_id)
    skills = expert_skills(expert=expert)
    form = AskForm(request.POST or None, skills=skills, initial={"skill": request.GET.get("skill")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                expert_request = actions.ask_expert(
                    asker=request.user, expert=expert, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Your question is sent to %(name)s.") % {"name": expert.name}
                )
                return redirect(expert_request.thread)
        status = 400
    state = ask_state(viewer=request.user, expert=expert)
    if not state.allowed and state.reason == "not_allowed":
        status = 403
    context = {"expert": expert, "form": form, "state": state}
    return render(request, "experts/ask.html", context, status=status)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests I asked and received, newest first, with their status."""
    box = request.GET.get("box", "all")
    if box not in BOXES:
        box = "all"
    page = paginate(request, person_requests(viewer=request.user, box=box), per_page=PER_PAGE)
    return render(request, "experts/request_list.html", {"page": page, "box": box})


def _back(expert_request: ExpertRequest) -> HttpResponse:
    return redirect(expert_request.thread)


@login_required
@require_POST
def request_answered(request: HttpRequest, request_id: int) -> HttpResponse:
    expert_request = access_request(request.user, request_id)
    form = AnsweredForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes, no, or leave it unrated."))
        return _back(expert_request)
    try:
        actions.mark_answered(
            asker=request.user, request=expert_request, helpful=form.helpful_value()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked answered. Thank you."))
    return _back(expert_request)


@login_required
@require_POST
def request_reopen(request: HttpRequest, request_id: int) -> HttpResponse:
    expert_request = access_request(request.user, request_id)
    try:
        actions.reopen_request(asker=request.user, request=expert_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(expert_request)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    expert_request = access_request(request.user, request_id)
    try:
        actions.withdraw_request(asker=request.user, request=expert_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(expert_request)
