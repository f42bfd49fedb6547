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

    def ready(self) -> None:
        super().ready()
        # The order hall shows each order's fit for the team and can sort by it (orders cannot import matching).
        from civicloop.matching.selectors import sort_by_fit
        from civicloop.orders.hooks import rank_hall_with

        rank_hall_with(sort_by_fit)
