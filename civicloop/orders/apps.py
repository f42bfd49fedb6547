from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "civicloop.orders"
    label = "orders"
