from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "scenariohub.events"
    label = "events"
