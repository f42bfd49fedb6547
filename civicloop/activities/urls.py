from django.urls import path

from civicloop.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("my/", views.my_activities, name="my"),
    path("scan/", views.scanner, name="scanner"),
    path("card/", views.card, name="card"),
    path("card/qr/", views.card_qr, name="card_qr"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/publish/", views.activity_publish, name="publish"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/console/", views.console, name="console"),
    path("<int:pk>/console/qr/", views.console_qr, name="console_qr"),
    path("<int:pk>/console/card/", views.console_card, name="console_card"),
    path("<int:pk>/close/", views.activity_close, name="close"),
    path("<int:pk>/scan/<str:kind>/<str:token>/", views.scan, name="scan"),
    path("p/<int:pk>/", views.public_detail, name="public_detail"),
    path("p/<int:pk>/signup/", views.signup, name="signup"),
    path("signups/<int:pk>/decide/", views.signup_decide, name="signup_decide"),
    path("signups/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("signups/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
