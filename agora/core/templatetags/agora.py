from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from agora.core.feed import describe
from agora.core.models import Event
from agora.core.pagination import querystring_without

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    return describe(event)


@register.filter
def ago(value: datetime, now: datetime | None = None) -> str:
    """Return "3 hours ago": the largest unit only, as people say it.

    Under a minute (or a clock a little behind) it is "just now", not
    "0 minutes ago".
    """
    now = now or timezone.now()
    if (now - value).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, now, depth=1)}


@register.simple_tag(takes_context=True)
def page_query(context, page_number: int, param: str = "page") -> str:
    """Return ``?…&page=N`` keeping the request's other query parameters."""
    request = context["request"]
    return f"?{querystring_without(request, param)}{param}={page_number}"
