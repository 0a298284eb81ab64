"""Pages that belong to no single app: home, health, errors, the bench floor."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.static import serve

from agora.core.pagination import paginate_feed
from agora.spaces.queries import home_feed, pending_invitations_for, space_directory


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    context = {
        "my_spaces": list(space_directory(viewer=request.user, scope="mine")[:12]),
        "invitations": list(pending_invitations_for(request.user)[:20]),
        "feed": paginate_feed(request, home_feed(viewer=request.user), per_page=20),
    }
    return render(request, "core/home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers; load balancers poll this."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The framework floor for `make bench`: no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a refused form (CSRF_FAILURE_VIEW) on the styled 403 page."""
    message = _("The form had expired. Go back, reload the page and try again.")
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)


def public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a public upload (a profile photo) from the local media folder.

    Only the embedded mode mounts this; attachments and lesson files are
    never served here but by views that check who may read their post.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    return response
