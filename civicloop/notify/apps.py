from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class NotifyConfig(registry.CivicApp):
    name = "civicloop.notify"
    label = "notify"
    verbose_name = _("Notifications")
    url_prefix = "notify"
    api_prefix = "notify"
    nav_order = 40

    def ready(self) -> None:
        super().ready()
        from civicloop.core.workflow import register_hooks
        from civicloop.notify import checks  # noqa: F401  (registers the deploy check)
        from civicloop.notify.services import notify_queue_many

        register_hooks(notify=notify_queue_many)  # a step's notices, written in one statement
