from django.urls import path

from civicloop.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.committee_create, name="committee_create"),
    path("c/<int:pk>/", views.committee, name="committee"),
    path("c/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("member/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("member/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("c/<int:pk>/members/", views.member_add, name="member_add"),
    path("c/<int:pk>/plans/", views.plan_create, name="plan_create"),
    path("c/<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("c/<int:pk>/report/", views.year_report_write, name="year_report_write"),
    path("c/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("c/<int:pk>/completion/", views.completion, name="completion"),
    path("plan/<int:pk>/", views.plan, name="plan"),
    path("plan/<int:pk>/items/", views.plan_item_add, name="plan_item_add"),
    path("item/<int:pk>/edit/", views.plan_item_edit, name="plan_item_edit"),
    path("plan/<int:pk>/<slug:step>/", views.plan_step, name="plan_step"),
    path("project/<int:pk>/", views.project, name="project"),
    path("project/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("project/<int:pk>/progress/", views.project_report, name="project_report"),
    path("project/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestone/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("project/<int:pk>/<slug:step>/", views.project_step, name="project_step"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("report/<int:pk>/", views.year_report, name="year_report"),
    path("report/<int:pk>/<slug:step>/", views.year_report_step, name="year_report_step"),
    path("meeting/<int:pk>/", views.meeting, name="meeting"),
    path("meeting/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meeting/<int:pk>/add/<slug:part>/", views.meeting_part, name="meeting_part"),
    path("followup/<int:pk>/<slug:step>/", views.followup_step, name="followup_step"),
]
