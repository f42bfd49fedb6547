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

    def ready(self) -> None:
        super().ready()
        # Make-up hours (records) are declared for activities and decided by whoever runs them.
        from civicloop.activities import policies, selectors
        from civicloop.records.hooks import ActivityLookups, register_activity_lookups

        register_activity_lookups(
            ActivityLookups(
                approved_for=selectors.approved_for,
                attended=selectors.attended,
                can_manage=policies.can_manage_activity,
            )
        )
