"""Numbered pages for every API list: ``{"count", "page", "page_size", "items"}``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100
# Bounds the OFFSET a client can ask for, so it always fits the database's integers.
MAX_PAGE = 100_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int | None = Field(
        None, ge=1, le=MAX_PAGE_SIZE, description="Items per page (default per list)."
    )


class Page(Schema):
    count: int = Field(description="Items on all pages together.")
    page: int
    page_size: int
    items: list[Any]


class Pages(PageNumberPagination):
    """Page-number pagination with bounded parameters; out-of-range ones are a 422."""

    Input = PageQuery
    Output = Page

    def __init__(self, *, page_size: int = 20, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: PageQuery, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        return {
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": page_size,
            "items": queryset[offset : offset + page_size],
        }

    async def apaginate_queryset(
        self, queryset: QuerySet, pagination: PageQuery, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        items = queryset[offset : offset + page_size]
        return {
            "count": await self._aitems_count(queryset),
            "page": pagination.page,
            "page_size": page_size,
            "items": [item async for item in items] if isinstance(items, QuerySet) else items,
        }
