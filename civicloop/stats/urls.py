from django.urls import path

from civicloop.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report.xlsx", views.report_xlsx, name="report"),
    path("screen/", views.screen, name="screen"),
    path("public/", views.public, name="public"),
]
