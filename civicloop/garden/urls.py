from django.urls import path

from civicloop.garden import views

app_name = "garden"
urlpatterns = [
    path("", views.garden_list, name="garden_list"),
    path("units/<int:unit_pk>/", views.garden_detail, name="garden_detail"),
    path("units/<int:unit_pk>/moderation/", views.garden_moderation, name="garden_moderation"),
    path("units/<int:unit_pk>/posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("comments/<int:pk>/<str:verb>/", views.comment_moderate, name="comment_moderate"),
    path("words/", views.words, name="words"),
]
