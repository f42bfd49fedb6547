from django.urls import path

from civicloop.people import views

app_name = "people"
urlpatterns = [
    path("register/resident/", views.register_resident, name="register_resident"),
    path("register/volunteer/", views.register_volunteer, name="register_volunteer"),
    path("residents/", views.resident_list, name="resident_list"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("teams/", views.team_list, name="team_list"),
    path("my/teams/", views.my_teams, name="my_teams"),
    path("my/volunteer/", views.volunteer_home, name="volunteer_home"),
    path("my/resident/", views.resident_home, name="resident_home"),
]
