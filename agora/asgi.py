"""ASGI entry: HTTP through Django, websockets under /ws/ through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
# Under ASGI, Django runs each request's sync code in a thread of its own, so a
# persistent database connection outlives its thread and leaks: on PostgreSQL
# `make bench` ran the server out of connections. Close them after each
# request, as Django advises for ASGI (an explicit setting still wins).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from agora.routing import websocket_urlpatterns  # noqa: E402

if os.environ.get("AGORA_IN_PROCESS_WORKER") == "1":
    from agora.core.worker import start_in_process_worker

    start_in_process_worker()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
