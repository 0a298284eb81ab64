from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "agora.discussions"
    label = "discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from agora.discussions import listeners  # noqa: F401
