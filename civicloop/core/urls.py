from django.urls import path

from civicloop.core import health, views

app_name = "core"
urlpatterns = [
    path("liaison/", views.liaison_home, name="liaison_home"),
    path("mine/", views.mine, name="mine"),
    path("health/", health.health, name="health"),
]
