from __future__ import annotations

from django import template

from agora.core.feed import describe
from agora.core.models import Event
from agora.core.pagination import querystring_without

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    return describe(event)


@register.simple_tag(takes_context=True)
def page_query(context, page_number: int, param: str = "page") -> str:
    """Return ``?…&page=N`` keeping the request's other query parameters."""
    request = context["request"]
    return f"?{querystring_without(request, param)}{param}={page_number}"
