from django.urls import path

from civicloop.network import coverage_views, venue_views, views

app_name = "network"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/add/", views.unit_add, name="unit_add"),
    path("units/<int:pk>/roles/", views.membership_grant, name="membership_grant"),
    path("units/<int:pk>/venues/new/", venue_views.venue_new, name="venue_new"),
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage/<int:pk>/", coverage_views.place_edit, name="place_edit"),
    path("venues/", venue_views.venue_list, name="venue_list"),
    path("venues/<int:pk>/", venue_views.venue_detail, name="venue_detail"),
    path("rooms/<int:pk>/", venue_views.room_calendar, name="room_calendar"),
    path("bookings/<int:pk>/cancel/", venue_views.booking_cancel, name="booking_cancel"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
]
