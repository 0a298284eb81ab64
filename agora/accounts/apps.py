from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "agora.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        from agora.accounts import listeners  # noqa: F401
