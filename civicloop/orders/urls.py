from django.urls import path

from civicloop.orders import settings_views, views, whistle_views

app_name = "orders"
urlpatterns = [
    path("new/", views.order_new, name="new"),
    path("mine/", views.order_mine, name="mine"),
    path("enter/", views.order_enter, name="enter"),
    path("queue/", views.order_queue, name="queue"),
    path("queue/publish/", views.order_bulk_publish, name="bulk_publish"),
    path("follow-up/", views.order_follow_up, name="follow_up"),
    path("hall/", views.order_hall, name="hall"),
    path("tasks/", views.order_tasks, name="tasks"),
    path("whistles/", views.whistle_list, name="whistles"),
    path("whistles/<int:pk>/answer/", views.whistle_answer, name="whistle_answer"),
    path("whistles/figures/", whistle_views.whistle_figures, name="whistle_figures"),
    path("whistles/<int:pk>/", whistle_views.whistle_detail, name="whistle_detail"),
    path("whistles/<int:pk>/<slug:step>/", whistle_views.whistle_step, name="whistle_step"),
    path("settings/", settings_views.settings_list, name="unit_settings_list"),
    path("settings/<int:pk>/", settings_views.settings_edit, name="unit_settings"),
    path("settings/<int:pk>/reset/", settings_views.settings_reset, name="unit_settings_reset"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/photos/<int:pk>/", views.order_photo, name="photo"),
    path("<str:number>/<str:action>/", views.order_action, name="action"),
]
