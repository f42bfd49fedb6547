from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "civicloop.activities"
    label = "activities"
