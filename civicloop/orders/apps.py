from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class OrdersConfig(registry.CivicApp):
    name = "civicloop.orders"
    label = "orders"
    verbose_name = _("Service orders")
    url_prefix = "orders"
    api_prefix = "orders"
    nav_order = 30
    demo_order = 10

    def ready(self) -> None:
        super().ready()  # the workflow and the counter sources
        # A suspended or dissolved team hands its orders back (people cannot import orders: see people.hooks).
        from civicloop.orders.services import orders_release_team
        from civicloop.people.hooks import on_team_stopped

        on_team_stopped(orders_release_team)
        from civicloop.orders import whistle_workflow  # noqa: F401  (declares orders.whistle)
