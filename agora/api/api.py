"""The one NinjaAPI: every app's router under /api/v1/, one error shape.

Errors always look like ``{"detail": "...", "code": "...", "errors": {field: [...]}}``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from agora.api.auth import session_auth, token_auth

api = NinjaAPI(
    title="Agora API",
    version="1",
    description=(
        "The Agora API. Authenticate with the browser session (send the CSRF token "
        "in X-CSRFToken on writes) or with a personal access token "
        "(`Authorization: Bearer agora_…`, created under Settings → API tokens)."
    ),
    auth=[token_auth, session_auth],
    urls_namespace="api",
)


def error(
    request: HttpRequest,
    status: int,
    detail: str,
    code: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or {}}, status=status
    )


@api.exception_handler(SchemaValidationError)
def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [
            str(part)
            for part in item.get("loc", [])
            if part not in ("body", "query", "path", "data", "payload")
        ]
        field = ".".join(location) or "__all__"
        errors.setdefault(field, []).append(item.get("msg", "Invalid value."))
    return error(request, 422, "Some fields are not valid.", "invalid", errors)


@api.exception_handler(ValidationError)
def action_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        return error(request, 422, "Some fields are not valid.", "invalid", errors)
    return error(request, 422, " ".join(exc.messages), "invalid", {"__all__": exc.messages})


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, str(exc) or "You may not do this.", "forbidden")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "Not found.", "not_found")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "Sign in or send a valid token.", "unauthenticated")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, str(exc), "error")


from agora.accounts.api import router as people_router  # noqa: E402
from agora.spaces.api import router as spaces_router  # noqa: E402

api.add_router("/", people_router)
api.add_router("/", spaces_router)
