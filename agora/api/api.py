"""The one NinjaAPI: every app's router under /api/v1/, one error shape.

Errors always look like ``{"detail": "...", "code": "...", "errors": {field: [...]}}``,
whoever raises them: an action (ValidationError, PermissionDenied), a query
(Http404), pydantic (422), authentication (401), or the URL layer (an
unknown path is a 404, a method an operation lacks is a 405). The OpenAPI
document lists these error responses on every operation they can answer.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from agora.api.auth import CsrfFailed, session_auth, token_auth
from agora.api.schemas import ErrorOut

UNSAFE_METHODS = ("post", "put", "patch", "delete")
# Parts of a pydantic error location that name where a value came from, not a field.
LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
ERROR_DESCRIPTIONS = {
    400: "The request body is not valid JSON.",
    401: "Not signed in, or the token is unknown or revoked.",
    403: "Not allowed (or, with session auth, the CSRF token is missing).",
    404: "No such object, or one the caller may not see.",
    422: "Some values are not valid; `errors` says which.",
}


class AgoraAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Name operations after their view functions (unique across the API)."""
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Add the error shape and the errors each operation can answer."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"].setdefault("ErrorOut", ErrorOut.model_json_schema())
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                for status in sorted(_error_statuses(method, operation)):
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": ERROR_DESCRIPTIONS[status],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                                }
                            },
                        },
                    )
                operation["responses"] = dict(sorted(operation["responses"].items()))
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = [_with_error_shape(pattern) for pattern in super()._get_urls()]
        return [*urls, re_path(r"", _unknown_path)]


def _error_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters", [])
    statuses = set()
    if operation.get("security"):
        statuses.add(401)
    if method in UNSAFE_METHODS:
        statuses.add(403)
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    # Actions answer 422 to writes they refuse (already a member, last facilitator…).
    if method in UNSAFE_METHODS or parameters:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(400)
    return statuses


def _with_error_shape(pattern: URLResolver | URLPattern) -> Any:
    """Give the 404 and 405 answers of ninja's own views the error shape."""
    if not isinstance(pattern, URLPattern):
        return pattern
    view = pattern.callback

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error(request, 404, "Not found.", "not_found")
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = response["Allow"]
            response = error(request, 405, "Method not allowed.", "method_not_allowed")
            response["Allow"] = allowed
        return response

    return URLPattern(pattern.pattern, wrapped, pattern.default_args, pattern.name)


@csrf_exempt  # any method; an unknown path is a 404 before anything else
def _unknown_path(request: HttpRequest) -> HttpResponse:
    return error(request, 404, "Not found.", "not_found")


api = AgoraAPI(
    title="Agora API",
    version="1",
    description=(
        "The Agora API. Authenticate with the browser session (send the CSRF token "
        "in X-CSRFToken on writes) or with a personal access token "
        "(`Authorization: Bearer agora_…`, created under Settings → API tokens). "
        "Lists are paginated with `page` and `page_size`. Every error has the shape "
        '`{"detail": "…", "code": "…", "errors": {"field": ["…"]}}`.'
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
    """Return the API's one error shape."""
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or {}}, status=status
    )


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """Name the field of a pydantic error as clients know it.

    ("query", "page") → "page"; ("body", "data", "skills", 0, "level") →
    "skills.0.level": the body's parameter name ("data") is ninja's, and an
    error about the body as a whole is "__all__".
    """
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] and parts[0] in LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(SchemaValidationError)
def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        message = str(item.get("msg", "Invalid value."))
        # pydantic prefixes messages of custom validators with "Value error, ".
        message = message.removeprefix("Value error, ")
        errors.setdefault(_field_name(item.get("loc", ())), []).append(message)
    return error(request, 422, "Some fields are not valid.", "invalid", errors)


@api.exception_handler(ValidationError)
def action_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        return error(request, 422, "Some fields are not valid.", "invalid", errors)
    code = getattr(exc, "code", None) or "invalid"
    return error(request, 422, " ".join(exc.messages), code, {"__all__": exc.messages})


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, str(exc) or "You may not do this.", "forbidden")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "Not found.", "not_found")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "Sign in or send a valid token.", "unauthenticated")


@api.exception_handler(CsrfFailed)
def csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return error(request, 403, exc.message, "csrf_failed")


HTTP_ERROR_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 429: "throttled"}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    return error(request, exc.status_code, exc.message, code)


from agora.accounts.api import router as people_router  # noqa: E402
from agora.courses.api import router as courses_router  # noqa: E402
from agora.discussions.api import router as discussions_router  # noqa: E402
from agora.experts.api import router as experts_router  # noqa: E402
from agora.experts.requests_api import router as expert_requests_router  # noqa: E402
from agora.experts.search_api import router as experts_search_router  # noqa: E402
from agora.notifications.api import router as notifications_router  # noqa: E402
from agora.search.api import router as search_router  # noqa: E402
from agora.spaces.api import router as spaces_router  # noqa: E402

api.add_router("/", people_router)
api.add_router("/", spaces_router)
api.add_router("/", discussions_router)
api.add_router("/", notifications_router)
api.add_router("/", courses_router)
api.add_router("/", search_router)
api.add_router("/", expert_requests_router)
api.add_router("/", experts_search_router)
api.add_router("/", experts_router)
