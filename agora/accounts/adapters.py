"""allauth glue: who may sign up, what a new account starts with, throttling, mail."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agora.accounts.models import OrgSettings, Profile, User
from agora.core.events import record

INVITATION_SESSION_KEY = "agora_invitation_token"
INVITED_ADDRESS_ONLY = _("Sign up with the address your invitation was sent to.")


def _pending_invitation(request: HttpRequest | None):
    """Return the pending invitation whose link this visitor opened, or None."""
    from agora.spaces.models import Invitation

    token = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
    if not token:
        return None
    return Invitation.objects.filter(token=token, status=Invitation.Status.PENDING).first()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open mode: anyone. Invite mode: only a visitor who came by an invitation link."""
        mode = OrgSettings.load().signup_mode
        if mode == OrgSettings.SignupMode.OPEN:
            return True
        if mode == OrgSettings.SignupMode.INVITE:
            return _pending_invitation(request) is not None
        return False

    def clean_email(self, email: str) -> str:
        """In invite mode, a new account takes the invited address.

        Otherwise one invitation link would let its holder open any number
        of accounts, under any address, until the invitation is answered.
        """
        email = super().clean_email(email)
        request = self.request
        # Password reset and email management clean addresses too; only the
        # sign-up page is restricted.
        on_signup = getattr(getattr(request, "resolver_match", None), "url_name", None) == (
            "account_signup"
        )
        if on_signup and OrgSettings.load().signup_mode == OrgSettings.SignupMode.INVITE:
            invitation = _pending_invitation(request)
            if invitation is None or invitation.email.lower() != email.strip().lower():
                raise ValidationError(INVITED_ADDRESS_ONLY, code="not_invited")
        return email

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Answer 429 (our page) once failed logins pass ACCOUNT_RATE_LIMITS["login_failed"].

        allauth would only put a form error on the login page; a 429 tells
        scripts and people alike to stop, and says why.
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Name the organization (not django.contrib.sites' example.com) in account mail."""
        site = SimpleNamespace(
            name=settings.AGORA_SITE_NAME, domain=urlsplit(settings.AGORA_BASE_URL).netloc
        )
        super().send_mail(template_prefix, email, {**context, "current_site": site})

    @transaction.atomic
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.name = " ".join(form.cleaned_data.get("name", "").split()) or user.email.split("@")[0]
        user.email = user.email.lower()
        if commit:
            user.save()
            Profile.objects.get_or_create(user=user)
            record(actor=user, verb="person.joined", obj=user)
        return user
