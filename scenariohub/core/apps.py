from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "scenariohub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from scenariohub.core import checks  # noqa: F401 - registers the start-up checks
