from django.apps import AppConfig


class GardenConfig(AppConfig):
    name = "civicloop.garden"
    label = "garden"
