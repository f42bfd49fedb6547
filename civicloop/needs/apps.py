from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "civicloop.needs"
    label = "needs"
