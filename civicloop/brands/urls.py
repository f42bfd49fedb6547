from django.urls import path

from civicloop.brands import views

app_name = "brands"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("compliance/", views.compliance, name="compliance"),
]
