from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class ActivitiesConfig(registry.CivicApp):
    name = "civicloop.activities"
    label = "activities"
    verbose_name = _("Practice activities")
    url_prefix = "activities"
    api_prefix = "activities"
    nav_order = 50
    demo_order = 20
