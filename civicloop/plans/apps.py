from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class PlansConfig(registry.CivicApp):
    name = "civicloop.plans"
    label = "plans"
    verbose_name = _("Committee plans")
    url_prefix = "plans"
    api_prefix = "plans"
    nav_order = 95
    demo_order = 90
