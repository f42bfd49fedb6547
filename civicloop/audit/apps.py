from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class AuditConfig(registry.CivicApp):
    name = "civicloop.audit"
    label = "audit"
    verbose_name = _("Audit")
    url_prefix = "audit"
    nav_order = 120

    def ready(self) -> None:
        super().ready()
        from civicloop.audit.services import audit_record
        from civicloop.core.workflow import register_hooks

        register_hooks(audit=audit_record)
