from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "civicloop.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from civicloop.core.middleware import stamp_on_login

        user_logged_in.connect(stamp_on_login, dispatch_uid="civicloop.core.stamp_on_login")
