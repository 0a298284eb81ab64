"""One way to paginate pages: numbered pages, invalid numbers fall back."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

DEFAULT_PER_PAGE = 20


def paginate(
    request: HttpRequest, object_list: Any, *, per_page: int = DEFAULT_PER_PAGE, param: str = "page"
) -> Page:
    """Return the requested page of `object_list`; bad or too-large numbers give the last page."""
    paginator = Paginator(object_list, per_page)
    return paginator.get_page(request.GET.get(param))


def querystring_without(request: HttpRequest, *names: str) -> str:
    """Return the request's query string without `names`, ending in ``&`` when not empty."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
