"""API authentication: the browser session (with CSRF) or a personal token."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from agora.accounts.models import AccessToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer agora_…``; only the hash is stored and compared."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token.startswith(AccessToken.PREFIX) or len(token) > 200:
            return None
        access = (
            AccessToken.objects.select_related("user")
            .filter(key_hash=AccessToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if access is None or not access.user.is_active:
            return None
        now = timezone.now()
        if access.last_used_at is None or now - access.last_used_at > timedelta(minutes=1):
            AccessToken.objects.filter(pk=access.pk).update(last_used_at=now)
        request.user = access.user
        return access.user


# The Django session cookie; ninja checks the CSRF token on unsafe methods.
session_auth = django_auth
token_auth = TokenAuth()
