from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class BrandsConfig(registry.CivicApp):
    name = "civicloop.brands"
    label = "brands"
    verbose_name = _("Brand projects")
    url_prefix = "brands"
    api_prefix = "brands"
    nav_order = 90
    demo_order = 60
