"""What the post forms share: editing a thread or a reply, and the Markdown preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.views import add_errors
from agora.core.markdown import render_markdown
from agora.discussions import actions
from agora.discussions.models import MAX_BODY, Reply, Thread

PREVIEW_TEMPLATE = "discussions/preview.html"


def wants_preview(request: HttpRequest) -> bool:
    """A form's Preview button was pressed (without JavaScript): show, post nothing."""
    return request.method == "POST" and request.POST.get("preview") == "1"


def preview_context(body: str) -> dict[str, Any]:
    """The rendered, sanitized preview of `body`, or an error when it is too long."""
    body = (body or "").replace("\x00", "")
    if len(body) > MAX_BODY:
        return {
            "show_preview": True,
            "preview_html": "",
            "preview_error": _("Keep it under %(n)d characters.") % {"n": MAX_BODY},
        }
    return {"show_preview": True, "preview_html": render_markdown(body), "preview_error": ""}


@login_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render the posted `body` as its post would show it (an htmx fragment)."""
    context = preview_context(request.POST.get("body", ""))
    return render(
        request, PREVIEW_TEMPLATE, context, status=400 if context["preview_error"] else 200
    )


def edit_post(
    request: HttpRequest,
    *,
    thread: Thread,
    reply: Reply | None,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    saved: str,
) -> HttpResponse:
    """Show the edit form of a thread or a reply, preview it, or save it through `save`.

    `save` gets the form's cleaned data and calls the edit actions; a
    ValidationError puts its messages on the form (status 400, text kept).
    """
    context: dict[str, Any] = {
        "form": form,
        "space": thread.space,
        "thread": thread,
        "reply": reply,
    }
    if wants_preview(request):
        context.update(preview_context(request.POST.get("body", "")))
        return render(request, "discussions/edit_form.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the text and the files change together, or neither
                save(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(reply or thread)
    return render(
        request, "discussions/edit_form.html", context, status=400 if form.errors else 200
    )


def save_file_changes(request: HttpRequest, post: Thread | Reply, data: dict[str, Any]) -> None:
    """Add the edit form's new files to `post` and remove the ones ticked."""
    if data.get("files") or data.get("remove_files"):
        actions.attach_files(
            uploader=request.user,
            post=post,
            files=data.get("files") or (),
            remove=data.get("remove_files") or (),
        )
