from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class NeedsConfig(registry.CivicApp):
    name = "civicloop.needs"
    label = "needs"
    verbose_name = _("Needs")
    url_prefix = "needs"
    api_prefix = "needs"
    nav_order = 70
    demo_order = 40
