from django.urls import path

from civicloop.needs import views

app_name = "needs"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/import-orders/", views.round_import_orders, name="round_import_orders"),
    path("rounds/<int:pk>/needs/add/", views.need_add, name="need_add"),
    path("rounds/<int:pk>/visit/", views.visit_add, name="visit_add"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/poster/", views.survey_poster, name="survey_poster"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/paper/", views.survey_paper, name="survey_paper"),
    path("s/<uuid:token>/", views.survey_answer, name="survey_answer"),
    path("analysis/", views.analysis, name="analysis"),
]
