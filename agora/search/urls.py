from django.urls import path

from agora.search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("spaces/<slug:slug>/search/", views.space_search, name="space_search"),
]
