"""The video of a show-and-tell post: served to readers, changed by its author."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agora.accounts.views import add_errors
from agora.core.uploads import video_part_response
from agora.discussions import actions
from agora.discussions.forms import ThreadVideoForm
from agora.discussions.models import Thread
from agora.discussions.permissions import access_thread, can_edit
from agora.discussions.views.posts import _readable_post


@login_required
def thread_video_file(request: HttpRequest, slug: str, thread_id: int, part: str) -> HttpResponse:
    """Serve the thread's video, poster or captions to its readers (404 for anyone else)."""
    thread = access_thread(request.user, slug, thread_id)
    _readable_post(request, thread, None)
    return video_part_response(request, thread.video, part)


@login_required
def thread_video(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    """Add, replace or remove the video of one's own show-and-tell post."""
    thread = access_thread(request.user, slug, thread_id)
    if not can_edit(request.user, thread) or thread.kind != Thread.Kind.SHOW_AND_TELL:
        raise PermissionDenied(actions.CANNOT_EDIT)
    form = ThreadVideoForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"captions_language": (thread.video and thread.video.captions_language) or "en"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_thread_video(editor=request.user, thread=thread, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The video is saved."))
            return redirect(thread)
    context = {"form": form, "space": thread.space, "thread": thread}
    return render(
        request, "discussions/video_form.html", context, status=400 if form.errors else 200
    )
