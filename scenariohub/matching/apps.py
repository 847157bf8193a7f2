from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "scenariohub.matching"
    label = "matching"
