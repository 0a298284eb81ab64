"""Moderation pages: the review queue of reported posts, its actions, the moderation log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agora.core.models import Event
from agora.core.pagination import paginate
from agora.discussions import actions
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import can_review_flags
from agora.discussions.queries import FlaggedPosts, flagged_posts, moderation_log
from agora.discussions.views.page import redirect_back
from agora.spaces.models import Space
from agora.spaces.permissions import access_space

NOT_A_MODERATOR = gettext_lazy("Only the space's facilitators may review reports.")
NOT_AN_ADMIN = gettext_lazy("Only organization admins see every space's reports.")
MODERATION_ACTIONS = {
    "hide": (actions.hide_post, gettext_lazy("The post is hidden.")),
    "restore": (actions.restore_post, gettext_lazy("The post is shown again.")),
    "dismiss": (actions.dismiss_flags, gettext_lazy("The reports are dismissed.")),
}
LOG_SENTENCES = {
    "post.hidden": gettext_lazy("hid a %(post)s in “%(title)s”"),
    "post.restored": gettext_lazy("restored a %(post)s in “%(title)s”"),
    "flag.raised": gettext_lazy("reported a %(post)s in “%(title)s”"),
    "flag.dismissed": gettext_lazy("dismissed the reports of a %(post)s in “%(title)s”"),
    "thread.deleted": gettext_lazy("deleted the thread “%(title)s”"),
    "reply.deleted": gettext_lazy("deleted a reply in “%(title)s”"),
}
CHANGE_WORDS = {
    "is_pinned": (gettext_lazy("unpinned"), gettext_lazy("pinned")),
    "is_locked": (gettext_lazy("unlocked"), gettext_lazy("locked")),
    "is_closed": (gettext_lazy("reopened"), gettext_lazy("closed")),
}
POST_WORDS = {"thread": gettext_lazy("thread"), "reply": gettext_lazy("reply")}


def _moderated_space(request: HttpRequest, slug: str) -> Space:
    space = access_space(request.user, slug)
    if not can_review_flags(request.user, space):
        raise PermissionDenied(NOT_A_MODERATOR)
    return space


@login_required
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """Reported posts of a space waiting for review, grouped by post, oldest report first."""
    space = _moderated_space(request, slug)
    page = paginate(request, FlaggedPosts(flagged_posts(space=space)), per_page=20)
    context = {
        "space": space,
        "page": page,
        "items": page.object_list,
        "org_wide": False,
    }
    return render(request, "discussions/review_queue.html", context)


@login_required
def org_review_queue(request: HttpRequest) -> HttpResponse:
    """Every space's reported posts, for organization admins."""
    if not request.user.is_org_admin:
        raise PermissionDenied(NOT_AN_ADMIN)
    page = paginate(request, FlaggedPosts(flagged_posts()), per_page=20)
    context = {
        "space": None,
        "page": page,
        "items": page.object_list,
        "org_wide": True,
    }
    return render(request, "discussions/review_queue.html", context)


def _post_in(space: Space, post_type: str, post_id: int) -> Thread | Reply:
    """The thread or reply `post_id` of `space`, or 404 (another space's ids too)."""
    if post_type == "thread":
        post = Thread.objects.select_related("space").filter(space=space, pk=post_id).first()
    elif post_type == "reply":
        post = (
            Reply.objects.select_related("thread__space")
            .filter(thread__space=space, pk=post_id)
            .first()
        )
    else:
        post = None
    if post is None:
        raise Http404("No such post.")
    return post


@login_required
@require_POST
def moderate_post(request: HttpRequest, slug: str, post_type: str, post_id: int) -> HttpResponse:
    """Hide, restore, or dismiss the reports of a post; back to the queue (or `next`)."""
    space = access_space(request.user, slug)
    post = _post_in(space, post_type, post_id)
    chosen = MODERATION_ACTIONS.get(request.POST.get("action", ""))
    if chosen is None:
        # Only a hand-made request sends another value: the buttons send these.
        return render(
            request, "400.html", {"message": _("Choose hide, restore or dismiss.")}, status=400
        )
    action, done = chosen
    try:
        action(actor=request.user, post=post)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(done))
    return redirect_back(request, f"/spaces/{space.slug}/moderation/")


def log_sentence(event: Event) -> str:
    """What a moderation event says, e.g. "hid a reply in “Welcome”"."""
    data: dict[str, Any] = event.data or {}
    title = data.get("thread_title", "")
    if event.verb == "thread.moderated":
        words = [str(CHANGE_WORDS[name][bool(data[name])]) for name in CHANGE_WORDS if name in data]
        return _("%(changes)s the thread “%(title)s”") % {
            "changes": ", ".join(words) or _("changed"),
            "title": title,
        }
    sentence = LOG_SENTENCES.get(event.verb)
    if sentence is None:
        return event.verb
    return str(sentence) % {"post": POST_WORDS.get(data.get("post_type", ""), ""), "title": title}


@login_required
def moderation_log_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every moderation act in a space, newest first."""
    space = _moderated_space(request, slug)
    page = paginate(request, moderation_log(space=space), per_page=25)
    for event in page.object_list:
        event.sentence = log_sentence(event)
    return render(request, "discussions/moderation_log.html", {"space": space, "page": page})
