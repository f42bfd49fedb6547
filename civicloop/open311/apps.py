from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class Open311Config(registry.CivicApp):
    """Open311 GeoReport v2 at /open311/v2/: other platforms (a county's media app, a city's 12345 line) list the
    services, file requests and follow them. It is itself an API, so it has no pages of its own."""

    name = "civicloop.open311"
    label = "open311"
    verbose_name = _("Open311")
    url_prefix = "open311/v2"
