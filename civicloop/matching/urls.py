from django.urls import path

from civicloop.matching import views

app_name = "matching"
urlpatterns = [
    path("orders/<str:number>/teams/", views.order_teams, name="order_teams"),
]
