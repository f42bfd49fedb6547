from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language

from civicloop.api_entry import api_entry
from civicloop.core import views as core_views
from civicloop.core.registry import civic_apps
from civicloop.people.auth import LoginView
from civicloop.people.forms import LoginForm

# A 403 that no policy function recorded (Django admin, CSRF) is audited here.
handler403 = "civicloop.audit.views.permission_denied"

admin.site.site_header = "文明实践志愿服务平台 · 后台"
admin.site.site_title = "CivicLoop"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("me/", core_views.landing, name="landing"),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("civicloop.people.account_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("civicloop.core.urls")),
    *(path(f"{app.url_prefix}/", include(app.urls_module())) for app in civic_apps() if app.url_prefix),
    # The API loads on a worker's first API request (civicloop.api_entry); a path no operation serves is a
    # JSON 404, like the API's own.
    re_path(r"^api/", api_entry),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
