from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "civicloop.demo"
    label = "demo"
    verbose_name = "Demo data"
