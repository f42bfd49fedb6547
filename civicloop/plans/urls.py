from django.urls import path

from civicloop.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<int:pk>/", views.home, name="committee"),
    path("plan/<int:pk>/", views.home, name="plan"),
    path("project/<int:pk>/", views.home, name="project"),
    path("meeting/<int:pk>/", views.home, name="meeting"),
    path("report/<int:pk>/", views.home, name="year_report"),
]
