from django.apps import AppConfig


class AiConfig(AppConfig):
    """Offline Chinese search, classification and near-duplicate detection (see scenariohub.ai)."""

    name = "scenariohub.ai"
    label = "ai"
    verbose_name = "AI engine"
    default_auto_field = "django.db.models.BigAutoField"
