from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class NetworkConfig(registry.CivicApp):
    name = "civicloop.network"
    label = "network"
    verbose_name = _("Practice network")
    url_prefix = "network"
    api_prefix = "network"
    nav_order = 10
    demo_order = 5  # coverage places, after the base units
