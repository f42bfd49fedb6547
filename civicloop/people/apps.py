from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "civicloop.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from civicloop.audit import receivers  # noqa: F401  (login audit hooks)
