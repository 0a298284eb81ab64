from django.urls import path

from agora.spaces.consumers import SpaceFeedConsumer

websocket_urlpatterns = [
    path("ws/spaces/<int:space_id>/", SpaceFeedConsumer.as_asgi()),
]
