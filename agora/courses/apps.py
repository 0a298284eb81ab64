from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "agora.courses"
    label = "courses"
    verbose_name = "Courses"

    def ready(self) -> None:
        from agora.courses import listeners  # noqa: F401
