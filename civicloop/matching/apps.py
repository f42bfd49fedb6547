from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "civicloop.matching"
    label = "matching"
