from django.urls import path

from civicloop.people import details_views, team_views, views

app_name = "people"
urlpatterns = [
    path("register/resident/", views.register_resident, name="register_resident"),
    path("register/volunteer/", views.register_volunteer, name="register_volunteer"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_enter, name="resident_enter"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/unmask/", views.resident_unmask, name="resident_unmask"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("teams/", team_views.team_list, name="team_list"),
    path("teams/new/", team_views.team_found, name="team_found"),
    path("teams/<int:pk>/", team_views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", team_views.team_edit, name="team_edit"),
    path("teams/<int:pk>/apply/", team_views.team_apply, name="team_apply"),
    path("teams/<int:pk>/invite/", team_views.team_invite, name="team_invite"),
    path("teams/<int:pk>/<slug:step>/", team_views.team_step, name="team_step"),
    path("team-requests/<int:pk>/<slug:step>/", team_views.team_request_step, name="team_request_step"),
    path("my/team-requests/", team_views.my_team_requests, name="my_team_requests"),
    path("my/teams/", views.my_teams, name="my_teams"),
    path("my/volunteer/", views.volunteer_home, name="volunteer_home"),
    path("my/become-resident/", details_views.become_resident, name="become_resident"),
    path("my/export/<slug:who>/<slug:fmt>/", details_views.my_export, name="my_export"),
    path("my/volunteer/delete/", details_views.volunteer_erase, name="volunteer_erase"),
    path("my/details/", details_views.my_details, name="my_details"),
    path("my/phone/", details_views.my_phone, name="my_phone"),
    path("residents/<int:pk>/edit/", details_views.resident_correct, name="resident_correct"),
    path("my/resident/", views.resident_home, name="resident_home"),
    path("my/resident/export/", views.resident_export, name="resident_export"),
    path("my/resident/delete/", views.resident_erase, name="resident_erase"),
]
