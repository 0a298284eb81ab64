"""Agora's URLs plus the bench's floor views (mounted only by `bench.settings`)."""

from django.urls import path

from agora.urls import *  # noqa: F403 (error handlers too)
from agora.urls import urlpatterns as agora_urlpatterns
from bench import views

urlpatterns = [
    path("bench/bare", views.bare, name="bench_bare"),
    path("bench/thread/<int:thread_id>", views.thread_sql, name="bench_thread_sql"),
    *agora_urlpatterns,
]
