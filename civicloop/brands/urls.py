from django.urls import URLPattern

app_name = "brands"
urlpatterns: list[URLPattern] = []
