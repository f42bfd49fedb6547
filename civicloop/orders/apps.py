from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class OrdersConfig(registry.CivicApp):
    name = "civicloop.orders"
    label = "orders"
    verbose_name = _("Service orders")
    url_prefix = "orders"
    api_prefix = "orders"
    nav_template = "orders/_nav.html"
    nav_order = 30
    demo_order = 10
