from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class CampaignsConfig(registry.CivicApp):
    name = "civicloop.campaigns"
    label = "campaigns"
    verbose_name = _("Civilised-city campaign")
    url_prefix = "campaigns"
    api_prefix = "campaigns"
    nav_order = 85
    demo_order = 85

    def ready(self) -> None:
        super().ready()
        # the workflows register themselves (templates find them by model)
        from civicloop.campaigns import workflow  # noqa: F401
