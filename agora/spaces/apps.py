from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "agora.spaces"
    label = "spaces"
    verbose_name = "Spaces"

    def ready(self) -> None:
        from agora.spaces import listeners  # noqa: F401
