from django.urls import path

from agora.accounts import views

urlpatterns = [
    path("people/", views.people_list, name="people_list"),
    path("people/mention/", views.mention_search, name="mention_search"),
    path("people/<int:user_id>/", views.person_detail, name="person_detail"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/photo/", views.photo_edit, name="photo_edit"),
    path("settings/tokens/", views.token_list, name="token_list"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/organization/", views.org_settings, name="org_settings"),
]
