"""API authentication: a personal token, or the browser session with CSRF.

A request that sends ``Authorization: Bearer …`` is judged by its token
alone: an unknown or revoked token is a 401 even when a session cookie comes
along. Otherwise the signed-in session is used, and writes must carry the
CSRF token (``X-CSRFToken``) or are refused with a 403.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from agora.accounts.models import AccessToken, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_TOKEN_LENGTH = 200


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "Send the CSRF token in the X-CSRFToken header.")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer agora_…``; only the hash is stored and compared."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(AccessToken.PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            raise AuthenticationError
        access = (
            AccessToken.objects.select_related("user")
            .filter(key_hash=AccessToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if access is None or not access.user.is_active:
            raise AuthenticationError
        now = timezone.now()
        # Written at most once a minute, so busy scripts don't write on every call.
        if access.last_used_at is None or now - access.last_used_at > timedelta(minutes=1):
            AccessToken.objects.filter(pk=access.pk).update(last_used_at=now)
        request.user = access.user
        return access.user


class SessionAuth(APIKeyCookie):
    """The Django session cookie; unsafe methods need the CSRF token too."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # csrf=True also tells the docs page to send the token from "Try it out".
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # ninja would check CSRF here, before knowing whether anyone is signed
        # in; anonymous writes must get a 401, so the check waits for
        # `authenticate`.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if "HTTP_AUTHORIZATION" in request.META or not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed
        return request.user


token_auth = TokenAuth()
session_auth = SessionAuth()
