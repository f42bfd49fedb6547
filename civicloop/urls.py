from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from civicloop.api import api
from civicloop.core import views as core_views
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
    path("network/", include("civicloop.network.urls")),
    path("people/", include("civicloop.people.urls")),
    path("audit/", include("civicloop.audit.urls")),
    path("records/", include("civicloop.records.urls")),
    path("notify/", include("civicloop.notify.urls")),
    path("orders/", include("civicloop.orders.urls")),
    path("matching/", include("civicloop.matching.urls")),
    path("activities/", include("civicloop.activities.urls")),
    path("needs/", include("civicloop.needs.urls")),
    path("garden/", include("civicloop.garden.urls")),
    path("brands/", include("civicloop.brands.urls")),
    path("stats/", include("civicloop.stats.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
