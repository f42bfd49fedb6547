from django.urls import path

from civicloop.people import account_views as views
from civicloop.people import sms_views

app_name = "account"
urlpatterns = [
    path("", views.account, name="account"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/recovery/", views.mfa_recovery, name="mfa_recovery"),
    path("password/", views.password_change, name="password_change"),
    path("reset/", views.password_reset, name="password_reset"),
    path("sms/", sms_views.sms_login, name="sms_login"),
    path("register/", sms_views.sms_register, name="register"),
    path("reset/confirm/", views.password_reset_confirm, name="password_reset_confirm"),
]
