from django.urls import path

from agora.discussions.consumers import ThreadConsumer
from agora.notifications.consumers import UnreadCountConsumer
from agora.spaces.consumers import SpaceFeedConsumer

websocket_urlpatterns = [
    path("ws/spaces/<int:space_id>/", SpaceFeedConsumer.as_asgi()),
    path("ws/threads/<int:thread_id>/", ThreadConsumer.as_asgi()),
    path("ws/notifications/", UnreadCountConsumer.as_asgi()),
]
