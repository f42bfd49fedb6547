from django.urls import path

from civicloop.notify import ops, views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("dead-letters/", ops.outbox_dead, name="outbox_dead"),
]
