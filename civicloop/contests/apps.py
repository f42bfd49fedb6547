from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class ContestsConfig(registry.CivicApp):
    name = "civicloop.contests"
    label = "contests"
    verbose_name = _("Calls for entries")
    url_prefix = "contests"
    api_prefix = "contests"
    nav_order = 95
    demo_order = 80
