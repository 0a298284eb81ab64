from django.urls import path

from agora.spaces import views

urlpatterns = [
    path("spaces/", views.space_list, name="space_list"),
    path("spaces/new/", views.space_create, name="space_create"),
    path("spaces/<slug:slug>/", views.space_detail, name="space_detail"),
    path("spaces/<slug:slug>/edit/", views.space_edit, name="space_edit"),
    path("spaces/<slug:slug>/status/", views.space_status, name="space_status"),
    path("spaces/<slug:slug>/join/", views.space_join, name="space_join"),
    path("spaces/<slug:slug>/leave/", views.space_leave, name="space_leave"),
    path("spaces/<slug:slug>/request/", views.space_request, name="space_request"),
    path("spaces/<slug:slug>/members/", views.space_members_page, name="space_members"),
    path("spaces/<slug:slug>/members/<int:user_id>/role/", views.member_role, name="member_role"),
    path(
        "spaces/<slug:slug>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "spaces/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "spaces/<slug:slug>/requests/<int:request_id>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation_detail"),
]
