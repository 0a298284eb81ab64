from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "agora.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from agora.notifications import listeners  # noqa: F401
