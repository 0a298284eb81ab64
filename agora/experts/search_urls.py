from django.urls import path

from agora.experts import search_views

urlpatterns = [
    path("experts/", search_views.expert_search, name="expert_search"),
    path("skills/<slug:slug>/", search_views.skill_detail, name="skill_detail"),
]
