"""Around a post: its edit history, its attachments, reporting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agora.accounts.views import add_errors
from agora.core.pagination import paginate
from agora.core.uploads import stored_file_response
from agora.discussions import actions
from agora.discussions.forms import FlagForm
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import access_thread, can_flag, conceals
from agora.discussions.queries import revisions_of, thread_attachment
from agora.discussions.views.page import _visible_reply


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
    attachment = thread_attachment(thread=thread, attachment_id=attachment_id)
    _readable_post(request, thread, attachment.reply_id)
    return stored_file_response(
        attachment.file,
        name=attachment.name,
        content_type=attachment.content_type,
        request=request,
    )


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
