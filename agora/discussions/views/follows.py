"""Follow and unfollow a thread or a whole space: one toggle button each.

A plain form posts ``follow=1`` or ``follow=0`` and comes back to the page;
with htmx the button alone is swapped for its new state.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agora.discussions import actions
from agora.discussions.permissions import access_thread
from agora.spaces.permissions import access_space

FOLLOW_BUTTON = "discussions/_follow_button.html"
BAD_CHOICE = gettext_lazy("Choose to follow or to unfollow.")


def _wants_follow(request: HttpRequest) -> bool | None:
    return {"1": True, "0": False}.get(request.POST.get("follow", ""))


def _answer(request: HttpRequest, *, url: str, target: str, following: bool, back: str):
    if request.htmx:
        context = {"follow_url": url, "follow_target": target, "following": following}
        return render(request, FOLLOW_BUTTON, context)
    if following:
        messages.success(request, _("You will be told of new posts here."))
    else:
        messages.success(request, _("You no longer follow this."))
    return redirect(back)


@login_required
@require_POST
def thread_follow(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, slug, thread_id)
    follow = _wants_follow(request)
    if follow is None:
        return HttpResponse(BAD_CHOICE, status=400, content_type="text/plain; charset=utf-8")
    if follow:
        actions.follow_thread(user=request.user, thread=thread)
    else:
        actions.unfollow_thread(user=request.user, thread=thread)
    url = reverse("thread_follow", args=[thread.space.slug, thread.pk])
    return _answer(
        request, url=url, target="thread", following=follow, back=thread.get_absolute_url()
    )


@login_required
@require_POST
def space_follow(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    follow = _wants_follow(request)
    if follow is None:
        return HttpResponse(BAD_CHOICE, status=400, content_type="text/plain; charset=utf-8")
    if follow:
        actions.follow_space(user=request.user, space=space)
    else:
        actions.unfollow_space(user=request.user, space=space)
    url = reverse("space_follow", args=[space.slug])
    return _answer(
        request, url=url, target="space", following=follow, back=reverse("thread_list", args=[slug])
    )
