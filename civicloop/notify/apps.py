from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "civicloop.notify"
    label = "notify"
