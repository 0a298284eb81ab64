"""Around a post: its edit history, its attachments, reporting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.discussions import actions
from agora.discussions.forms import FlagForm
from agora.discussions.models import Attachment, Reply, Thread
from agora.discussions.permissions import access_thread, can_flag, conceals
from agora.discussions.queries import revisions_of
from agora.discussions.views.page import _visible_reply

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _readable_post(request: HttpRequest, thread: Thread, reply_id: int | None) -> Thread | Reply:
    """The thread, or its reply `reply_id`, if its content shows to the viewer; else 404.

    Deleted posts and posts hidden from the viewer have no readable history or files.
    """
    post: Thread | Reply = thread if reply_id is None else _visible_reply(request, thread, reply_id)
    if post.is_deleted or conceals(request.user, post):
        raise Http404("No such post.")
    return post


@login_required
def post_history(
    request: HttpRequest, slug: str, thread_id: int, reply_id: int | None = None
) -> HttpResponse:
    """Earlier versions of a thread or a reply, newest first."""
    thread = access_thread(request.user, slug, thread_id)
    post = _readable_post(request, thread, reply_id)
    context = {
        "space": thread.space,
        "thread": thread,
        "post": post,
        "reply": post if isinstance(post, Reply) else None,
        "page": paginate(request, revisions_of(post=post), per_page=20),
    }
    return render(request, "discussions/history.html", context)


@login_required
def attachment_download(
    request: HttpRequest, slug: str, thread_id: int, attachment_id: int
) -> HttpResponse:
    """Serve an attachment to whoever may read its post (404 for anyone else)."""
    thread = access_thread(request.user, slug, thread_id)
    attachment = (
        Attachment.objects.filter(Q(thread=thread) | Q(reply__thread=thread), pk=attachment_id)
        .only("pk", "thread_id", "reply_id", "file", "name", "content_type", "size")
        .first()
    )
    if attachment is None:
        raise Http404("No such file.")
    _readable_post(request, thread, attachment.reply_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such file.") from error
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def post_flag(
    request: HttpRequest, slug: str, thread_id: int, reply_id: int | None = None
) -> HttpResponse:
    """Report a thread or a reply to the space's moderators."""
    thread = access_thread(request.user, slug, thread_id)
    post = _readable_post(request, thread, reply_id)
    if not can_flag(request.user, post):
        raise PermissionDenied(actions.CANNOT_FLAG)
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.flag_post(reporter=request.user, post=post, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at it."))
            return redirect(post)
    context = {
        "space": thread.space,
        "thread": thread,
        "post": post,
        "reply": post if isinstance(post, Reply) else None,
        "form": form,
    }
    return render(
        request, "discussions/flag_form.html", context, status=400 if form.errors else 200
    )
