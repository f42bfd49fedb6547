from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class MatchingConfig(registry.CivicApp):
    name = "civicloop.matching"
    label = "matching"
    verbose_name = _("Matching")
    url_prefix = "matching"
    api_prefix = "matching"
    nav_order = 100
    demo_order = 70
