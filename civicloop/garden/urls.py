from django.urls import URLPattern

app_name = "garden"
urlpatterns: list[URLPattern] = []
