from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from agora.api.api import api
from agora.core import views as core_views

admin.site.site_header = "Agora administration"
admin.site.site_title = "Agora admin"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("bench/floor", core_views.bench_floor, name="bench_floor"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("agora.accounts.urls")),
    path("", include("agora.spaces.urls")),
    path("", include("agora.discussions.urls")),
    path("", include("agora.notifications.urls")),
    path("", include("agora.courses.urls")),
    path("", include("agora.search.urls")),
    path("", include("agora.experts.requests_urls")),
    path("", include("agora.experts.search_urls")),
    path("", include("agora.experts.urls")),
]

if not settings.STORAGES["default"]["BACKEND"].endswith("S3Storage"):
    # Local media (embedded mode): only profile photos are public. Attachments
    # and lesson files are served by views that check who may read their post.
    urlpatterns += [
        re_path(r"^media/(?P<path>photos/.*)$", core_views.public_media),
    ]

handler400 = "agora.core.views.bad_request"
handler403 = "agora.core.views.permission_denied"
handler404 = "agora.core.views.page_not_found"
handler500 = "agora.core.views.server_error"
handler429 = "agora.core.views.too_many_requests"
