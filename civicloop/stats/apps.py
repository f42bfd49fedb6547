from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "civicloop.stats"
    label = "stats"
