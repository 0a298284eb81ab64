"""Spaces: groups of people with a purpose, and who belongs to them.

A `Space` is a course cohort, project team, project network, mentoring
circle or community. People belong through a `Membership` with a space role
(facilitator, member, guest). An `Invitation` brings in someone by account
or email; a `JoinRequest` asks a private space's facilitators to let one in.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, like “data-science-2026”."),
)


class Space(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        PROJECT = "project", _("Project")
        NETWORK = "network", _("Project network")
        CIRCLE = "circle", _("Mentoring circle")
        COMMUNITY = "community", _("Community")

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open: anyone may join")
        PRIVATE = "private", _("Private: join by request or invitation")
        SECRET = "secret", _("Secret: invitation only, not listed")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True, validators=[slug_validator])
    description = models.TextField(
        _("description"), max_length=10000, blank=True, help_text=_("Markdown.")
    )
    description_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.COMMUNITY)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility, default=Visibility.OPEN
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ACTIVE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent space"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    member_count = models.PositiveIntegerField(default=0, editable=False)
    # What the space is about; facilitating a space counts as evidence of its skills.
    skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="spaces", verbose_name=_("skills")
    )

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["kind", "name"], name="space_kind_name"),
            models.Index(fields=["visibility", "name"], name="space_visibility_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("space_detail", args=[self.slug])

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    @property
    def facilitator_label(self) -> str:
        return FACILITATOR_LABELS.get(self.kind, _("Facilitator"))


FACILITATOR_LABELS = {
    Space.Kind.COURSE: _("Instructor"),
    Space.Kind.PROJECT: _("Lead"),
    Space.Kind.NETWORK: _("Lead"),
    Space.Kind.CIRCLE: _("Mentor"),
    Space.Kind.COMMUNITY: _("Host"),
}


class Membership(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["space", "user"]
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="membership_once_per_space")
        ]
        indexes = [models.Index(fields=["user", "space"], name="membership_user_space")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} ({self.role})"

    @property
    def role_label(self) -> str:
        if self.role == self.Role.FACILITATOR:
            return self.space.facilitator_label
        return self.get_role_display()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role, default=Membership.Role.MEMBER
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "email"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.space_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("invitation_detail", args=[self.token])


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=models.Q(status="pending"),
                name="joinrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.space_id} ({self.status})"
