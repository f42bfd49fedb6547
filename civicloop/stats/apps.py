from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class StatsConfig(registry.CivicApp):
    name = "civicloop.stats"
    label = "stats"
    verbose_name = _("Figures")
    url_prefix = "stats"
    api_prefix = "stats"
    nav_order = 110
    demo_order = 100

    def ready(self) -> None:
        super().ready()
        from civicloop.core.counters import contribution_of, counters_follow, register_writer
        from civicloop.core.workflow import register_hooks
        from civicloop.stats.services import counters_apply

        register_writer(counters_apply)
        register_hooks(counters_before=contribution_of, counters_after=counters_follow)
