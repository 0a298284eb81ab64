"""The expert finder's pages: people search (full page or htmx fragment) and a skill's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from agora.accounts.models import Skill
from agora.accounts.queries import directory_facets
from agora.core.pagination import paginate
from agora.experts.search_forms import ExpertSearchForm
from agora.experts.search_queries import (
    MatchedSkill,
    search_people,
    skill_experts,
    skill_learners,
    skill_spaces,
    skill_threads,
    skill_vocabulary_entry,
)
from agora.search.backends.base import words

PER_PAGE = 20
TYPE_WORDS = _("Type what you need help with: a skill, a topic or a name.")
NO_WORDS = _("Search needs at least one word of letters or digits.")
FIX_FILTERS = _("Fix the search above to see results.")
LEVEL_NEEDS_SKILL = _("The level filter applies to a skill named in the search.")


@login_required
def expert_search(request: HttpRequest) -> HttpResponse:
    form = ExpertSearchForm(request.GET, facets=directory_facets(viewer=request.user))
    context = {"form": form, "page": None, "message": "", "results": None}
    status = 200
    if not form.is_valid():
        context["message"] = FIX_FILTERS
        status = 400
    else:
        text = form.cleaned_data["q"]
        if not text.strip():
            context["message"] = TYPE_WORDS
        elif not words(text):
            context["message"] = NO_WORDS
        else:
            filters = form.filters()
            results = search_people(viewer=request.user, text=text, filters=filters)
            context["page"] = paginate(request, results, per_page=PER_PAGE)
            context["results"] = results
            if filters.level and not results.query.skill_ids:
                context["message"] = LEVEL_NEEDS_SKILL
    template = "experts/expert_search.html" + ("#expert-results" if request.htmx else "")
    return render(request, template, context, status=status)


@login_required
def skill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.select_related("parent"), slug=slug)
    page = paginate(request, skill_experts(viewer=request.user, skill=skill), per_page=PER_PAGE)
    entry = skill_vocabulary_entry(skill)
    experts = [MatchedSkill(entry, row) for row in page.object_list]
    context = {
        "skill": skill,
        "page": page,
        "experts": experts,
        "aliases": list(skill.aliases.values_list("name", flat=True)),
        "children": list(skill.children.order_by("name")),
        "learners": list(skill_learners(viewer=request.user, skill=skill)[:PER_PAGE]),
        "spaces": skill_spaces(viewer=request.user, skill=skill),
        "threads": skill_threads(viewer=request.user, skill=skill),
    }
    return render(request, "experts/skill_detail.html", context)
