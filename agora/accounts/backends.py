"""Authentication backends: Django's and allauth's, reading the signed-in
person with their profile, which every page's header shows (their photo)."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoBackend

from agora.accounts.models import User


class _WithProfile:
    def get_user(self, user_id):
        user = User._default_manager.select_related("profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithProfile, DjangoBackend):
    """Django's backend (the admin's sign-in, `force_login`)."""


class AuthenticationBackend(_WithProfile, AllauthBackend):
    """allauth's backend (sign-in by email)."""
