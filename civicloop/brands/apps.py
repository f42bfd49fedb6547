from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "civicloop.brands"
    label = "brands"
