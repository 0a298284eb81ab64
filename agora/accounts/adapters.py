"""allauth glue: who may sign up, and what a new account starts with."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from agora.accounts.models import OrgSettings, Profile, User

INVITATION_SESSION_KEY = "agora_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open mode: anyone. Invite mode: only a visitor who came by an invitation link."""
        mode = OrgSettings.load().signup_mode
        if mode == OrgSettings.SignupMode.OPEN:
            return True
        if mode == OrgSettings.SignupMode.INVITE:
            from agora.spaces.models import Invitation

            token = request.session.get(INVITATION_SESSION_KEY)
            return (
                bool(token)
                and Invitation.objects.filter(
                    token=token, status=Invitation.Status.PENDING
                ).exists()
            )
        return False

    @transaction.atomic
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.name = " ".join(form.cleaned_data.get("name", "").split()) or user.email.split("@")[0]
        user.email = user.email.lower()
        if commit:
            user.save()
            Profile.objects.get_or_create(user=user)
        return user
