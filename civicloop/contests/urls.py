from django.urls import path

from civicloop.contests import views

app_name = "contests"
urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("mine/", views.my_entries, name="my_entries"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.call_new, name="call_new"),
    path("c/<int:pk>/", views.call_detail, name="call_detail"),
    path("c/<int:pk>/poster/", views.call_poster, name="call_poster"),
    path("c/<int:pk>/enter/", views.entry_new, name="entry_new"),
    path("c/<int:pk>/paper/", views.entry_paper, name="entry_paper"),
    path("c/<int:pk>/manage/", views.call_manage, name="call_manage"),
    path("c/<int:pk>/step/<str:step>/", views.call_step, name="call_step"),
    path("c/<int:pk>/judges/", views.judge_add, name="judge_add"),
    path("c/<int:pk>/advance/", views.round_advance, name="round_advance"),
    path("c/<int:pk>/unit-award/", views.unit_award, name="unit_award"),
    path("c/<int:pk>/votes/", views.votes_page, name="votes"),
    path("c/<int:pk>/export.xlsx", views.export_xlsx, name="export"),
    path("c/<int:pk>/results/", views.results, name="results"),
    path("e/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("e/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("e/<int:pk>/vote/", views.vote, name="vote"),
    path("e/<int:pk>/object/", views.objection_new, name="objection_new"),
    path("e/<int:pk>/photo/<str:size>/", views.entry_photo, name="entry_photo"),
    path("e/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("e/<int:pk>/step/<str:step>/", views.entry_step, name="entry_step"),
    path("objection/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("mail/", views.mail_queue, name="mail_queue"),
    path("mail/<int:pk>/handled/", views.mail_handled, name="mail_handled"),
    path("judge/", views.judge_home, name="judge_home"),
    path("judge/<int:pk>/", views.judge_stage, name="judge_stage"),
    path("judge/<int:pk>/e/<int:entry_pk>/", views.judge_entry, name="judge_entry"),
]
