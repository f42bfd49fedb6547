from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class GardenConfig(registry.CivicApp):
    name = "civicloop.garden"
    label = "garden"
    verbose_name = _("Learning garden")
    url_prefix = "garden"
    api_prefix = "garden"
    nav_order = 80
    demo_order = 50
