from django.urls import path

from civicloop.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("exposure/", views.exposure_public, name="public"),
    path("report/", views.report_current, name="report_current"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/problems/", views.problem_list, name="problems"),
    path("<int:pk>/inspect/", views.problem_new, name="inspect"),
    path("<int:pk>/report/", views.report_new, name="report"),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/bulletins/", views.bulletin_issue, name="bulletin_issue"),
    path("<int:pk>/annual.xlsx", views.annual_export, name="annual"),
    path("<int:pk>/liaisons/", views.liaisons, name="liaisons"),
    path("<int:pk>/exposures/", views.exposure_list, name="exposures"),
    path("bulletins/<int:pk>.<str:fmt>", views.bulletin_download, name="bulletin"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/<str:step>/", views.task_step, name="task_step"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/photos/<int:photo>/", views.problem_photo, name="photo"),
    path("problems/<int:pk>/<str:step>/", views.problem_step, name="problem_step"),
    path("exposures/<int:pk>/", views.exposure_detail, name="exposure"),
    path("exposures/<int:pk>/<str:step>/", views.exposure_step, name="exposure_step"),
]
