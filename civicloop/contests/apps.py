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

    def ready(self) -> None:
        super().ready()
        from civicloop.contests.selectors import dashboard_panel
        from civicloop.core.figures import register_figures

        register_figures("contests", dashboard_panel)  # the calls' counts on the stats dashboard
