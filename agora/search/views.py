"""The search page, across everything or within one space (full page or htmx fragment)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from agora.accounts.models import User
from agora.core.pagination import paginate
from agora.search.backends.base import words
from agora.search.forms import SearchForm
from agora.search.queries import search
from agora.spaces.models import Space
from agora.spaces.permissions import access_space, spaces_with_content_visible_to

PER_PAGE = 20
TYPE_WORDS = _("Type a word to search for.")
NO_WORDS = _("Search needs at least one word of letters or digits.")
FIX_FILTERS = _("Fix the search above to see results.")


def _render(request: HttpRequest, *, space: Space | None) -> HttpResponse:
    spaces = None if space else spaces_with_content_visible_to(request.user)
    form = SearchForm(request.GET, spaces=spaces)
    context = {"form": form, "space": space, "page": None, "message": "", "author": None}
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
            results = search(viewer=request.user, text=text, filters=form.filters(space=space))
            context["page"] = paginate(request, results, per_page=PER_PAGE)
            context["results"] = results
        author_id = form.cleaned_data.get("author")
        if author_id:
            context["author"] = User.objects.filter(pk=author_id).only("pk", "name").first()
    template = "search/search.html" + ("#search-results" if request.htmx else "")
    return render(request, template, context, status=status)


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    return _render(request, space=None)


@login_required
def space_search(request: HttpRequest, slug: str) -> HttpResponse:
    return _render(request, space=access_space(request.user, slug))
