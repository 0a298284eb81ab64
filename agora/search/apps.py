from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "agora.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from agora.search import listeners  # noqa: F401
