from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class PeopleConfig(registry.CivicApp):
    name = "civicloop.people"
    label = "people"
    verbose_name = _("People")
    url_prefix = "people"
    api_prefix = "people"
    nav_order = 20

    def ready(self) -> None:
        super().ready()
        from civicloop.audit import receivers  # noqa: F401  (login audit hooks)
        from civicloop.people import workflow  # noqa: F401  (declares people.team and people.team_request)
