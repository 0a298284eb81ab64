from django.urls import path

from agora.experts import requests_views as views

urlpatterns = [
    path("people/<int:user_id>/ask/", views.ask, name="expert_ask"),
    path("requests/", views.request_list, name="expert_requests"),
    path(
        "requests/<int:request_id>/answered/",
        views.request_answered,
        name="expert_request_answered",
    ),
    path("requests/<int:request_id>/reopen/", views.request_reopen, name="expert_request_reopen"),
    path(
        "requests/<int:request_id>/withdraw/",
        views.request_withdraw,
        name="expert_request_withdraw",
    ),
]
