from django.urls import path

from civicloop.core import health, ops, views

app_name = "core"
urlpatterns = [
    path("liaison/", views.liaison_home, name="liaison_home"),
    path("health/", health.health, name="health"),
    path("ops/outbox/", ops.outbox_dead, name="outbox_dead"),
]
