"""Tags that fill thread_detail.html's reply partials from the Jinja2 macros
of `agora.discussions.rendering` (one module per page render)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe
from markupsafe import Markup

from agora.discussions.rendering import finish, replies_module

register = template.Library()
THREAD_TEMPLATE = "discussions/thread_detail.html"


def _macros(context: template.Context) -> Any:
    """The replies macros bound to this page, built once per render."""
    cache = context.render_context
    if "discussion_replies" not in cache:
        cache["discussion_replies"] = replies_module(
            space=context["space"],
            thread=context["thread"],
            csrf_token=context.get("csrf_token"),
            may_reply=context.get("may_reply", False),
            may_moderate=context.get("may_moderate", False),
            may_accept=context.get("may_accept", False),
            reaction_error=context.get("reaction_error", ""),
            comment_parent_id=context.get("comment_parent_id"),
            comment_form_html=_comment_form(context),
            back_url=context.get("next_url", ""),
        )
    return cache["discussion_replies"]


def _comment_form(context: template.Context) -> str:
    """The page's ``#comment-form`` partial, when it shows one (a refused comment)."""
    parent_id = context.get("comment_parent_id")
    if not context.get("comment_form") or parent_id is None:
        return ""
    parent = next(
        (item.reply for item in context.get("responses") or () if item.reply.pk == parent_id),
        None,
    )
    if parent is None:
        return ""
    partial = context.template.engine.get_template(THREAD_TEMPLATE + "#comment-form")
    with context.push(parent=parent):
        return partial.render(context)


def _safe(html: Markup, context: template.Context) -> str:
    # Jinja2 escaped what needed it.
    return mark_safe(finish(str(html), context.get("csrf_token")))


@register.simple_tag(takes_context=True)
def response_list(context: template.Context, responses: list) -> str:
    return _safe(_macros(context).responses(responses), context)


@register.simple_tag(takes_context=True)
def response_item(context: template.Context, item: Any) -> str:
    return _safe(_macros(context).response_item(item), context)


@register.simple_tag(takes_context=True)
def comment_item(context: template.Context, reply: Any) -> str:
    return _safe(_macros(context).comment_item(reply), context)


@register.simple_tag(takes_context=True)
def comment_link(context: template.Context, parent_pk: int) -> str:
    return _safe(_macros(context).comment_link(parent_pk), context)


@register.simple_tag(takes_context=True)
def reply_reactions(context: template.Context, reply: Any) -> str:
    return _safe(_macros(context).reactions(reply), context)


@register.simple_tag(takes_context=True)
def attachment_list(context: template.Context, files: Any) -> str:
    return _safe(_macros(context).attachments(files), context)
