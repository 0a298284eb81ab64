from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "agora.experts"
    label = "experts"
    verbose_name = "Experts"

    def ready(self) -> None:
        from agora.experts import listeners  # noqa: F401
