"""Reactions to space events: activity time, invitation emails, live push."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from agora.core.events import listener, pusher
from agora.core.feed import feed_verbs, register_feed_verbs
from agora.core.live import push
from agora.core.models import Event
from agora.spaces.models import Invitation, JoinRequest, Membership, Space

logger = logging.getLogger(__name__)

register_feed_verbs(
    {
        "space.created": _("created %(space)s"),
        "space.updated": _("updated the details of %(space)s"),
        "space.archived": _("archived %(space)s"),
        "space.restored": _("restored %(space)s"),
        "space.joined": _("joined %(space)s"),
        "space.left": _("left %(space)s"),
        "member.removed": _("removed %(user)s from %(space)s"),
        "member.role_changed": _("changed the role of %(user)s in %(space)s"),
    }
)


@listener("*")
def touch_space_activity(event: Event) -> None:
    """Keep `Space.last_activity_at` at the newest event's time (idempotent)."""
    if event.space_id is None:
        return
    Space.objects.filter(pk=event.space_id).filter(
        Q(last_activity_at__lt=event.created_at) | Q(last_activity_at__isnull=True)
    ).update(last_activity_at=event.created_at)


@pusher("*")
def push_to_space(event: Event) -> None:
    """Tell browsers watching the space that a feed event happened."""
    if event.space_id is not None and event.verb in feed_verbs():
        push(f"space.{event.space_id}", event.pk)


def _send(subject: str, template: str, context: dict, to: list[str]) -> None:
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()


@listener("invitation.sent")
def send_invitation_email(event: Event) -> None:
    """Email the invitee a link to accept. Runs once per event (the outbox marks it)."""
    invitation = (
        Invitation.objects.select_related("space", "invited_by")
        .filter(pk=event.target_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "space": invitation.space,
        "url": settings.AGORA_BASE_URL + invitation.get_absolute_url(),
        "site_name": settings.AGORA_SITE_NAME,
    }
    subject = _("%(name)s invited you to %(space)s") % {
        "name": invitation.invited_by.name if invitation.invited_by else settings.AGORA_SITE_NAME,
        "space": invitation.space.name,
    }
    _send(str(subject), "spaces/email/invitation", context, [invitation.email])


@listener("join.requested")
def tell_facilitators_of_request(event: Event) -> None:
    """Email the space's facilitators that someone asks to join."""
    join_request = (
        JoinRequest.objects.select_related("space", "user")
        .filter(pk=event.target_id, status=JoinRequest.Status.PENDING)
        .first()
    )
    if join_request is None:
        return
    emails = list(
        Membership.objects.filter(
            space=join_request.space, role=Membership.Role.FACILITATOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not emails:
        return
    context = {
        "join_request": join_request,
        "space": join_request.space,
        "url": settings.AGORA_BASE_URL + join_request.space.get_absolute_url() + "members/",
        "site_name": settings.AGORA_SITE_NAME,
    }
    subject = _("%(name)s asks to join %(space)s") % {
        "name": join_request.user.name,
        "space": join_request.space.name,
    }
    _send(str(subject), "spaces/email/join_request", context, emails)
