from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class RecordsConfig(registry.CivicApp):
    name = "civicloop.records"
    label = "records"
    verbose_name = _("Service records")
    url_prefix = "records"
    api_prefix = "records"
    nav_order = 60
    demo_order = 30
