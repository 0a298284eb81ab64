"""Notification pages: the list, opening and marking read, settings, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from agora.core.pagination import paginate_feed
from agora.notifications import actions
from agora.notifications.forms import PreferencesForm
from agora.notifications.models import Kind
from agora.notifications.permissions import access_notification
from agora.notifications.queries import inbox

LIST_TEMPLATE = "notifications/notification_list.html"


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate_feed(request, inbox(user=request.user), per_page=25)
    return render(request, LIST_TEMPLATE, {"page": page})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read and go to what it is about."""
    notification = access_notification(request.user, notification_id)
    actions.mark_read(user=request.user, notification=notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notification_list")
    return redirect(notification.url)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = access_notification(request.user, notification_id)
    actions.mark_read(user=request.user, notification=notification)
    if request.htmx:
        return render(request, LIST_TEMPLATE + "#notification-item", {"item": notification})
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = actions.mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All your notifications are marked read."))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """The list page the form was on (a relative ``next``), or the first page."""
    target = request.POST.get("next", "")
    if target.startswith("/notifications/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    ):
        return target
    return "/notifications/"


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    channels = actions.channels_of([request.user.pk])[request.user.pk]
    form = PreferencesForm(request.POST or None, channels=channels)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(user=request.user, channels=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# The token is the authorization: mail clients POST here without a session or
# CSRF token (RFC 8058 one-click), and people arrive from their mailbox.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person, kind = actions.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"person": person, "kind_label": Kind(kind).label}
    if request.method == "POST":
        actions.unsubscribe(user=person, kind=kind)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
