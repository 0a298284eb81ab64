"""Paginate pages: numbered pages with a total, or newest-first feeds without one.

`paginate` counts the rows (lists that show "42 people"). `paginate_feed`
never counts: a busy space's feed has tens of thousands of events, and
COUNT(*) over them costs more than the page itself. It fetches one row more
than it shows to know whether a next page exists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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


MAX_FEED_PAGE = 1000


@dataclass(frozen=True)
class FeedPage:
    """A page of a feed: Django's Page interface, without a paginator or total."""

    object_list: Sequence[Any]
    number: int
    has_next_page: bool
    paginator = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.has_next_page

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_feed(
    request: HttpRequest, queryset: Any, *, per_page: int = DEFAULT_PER_PAGE, param: str = "page"
) -> FeedPage:
    """Return the requested page of an ordered queryset without counting it.

    Numbers that are not whole numbers from 1 to MAX_FEED_PAGE give page 1.
    """
    try:
        number = int(request.GET.get(param, "1"))
    except ValueError:
        number = 1
    if not 1 <= number <= MAX_FEED_PAGE:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return FeedPage(rows[:per_page], number, len(rows) > per_page)


def querystring_without(request: HttpRequest, *names: str) -> str:
    """Return the request's query string without `names`, ending in ``&`` when not empty."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
