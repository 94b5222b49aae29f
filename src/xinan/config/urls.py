from django.urls import include, path

from xinan.accounts.views import home
from xinan.config.api import api
from xinan.reports import urls as reports_urls

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("xinan.accounts.urls")),
    path("console/", include("xinan.console.urls")),
    path("portal/", include("xinan.portal.urls")),
    path("review/duty/", include("xinan.duty.urls")),
    path("review/", include("xinan.moderation.urls")),
    path("review/", include("xinan.reports.urls")),
    path("report/", include((reports_urls.public_urlpatterns, "report"))),
    path("review/", include("xinan.enforcement.urls")),
    path("portal/t/<int:tenant_id>/webhooks/", include("xinan.webhooks.urls")),
    path("portal/t/<int:tenant_id>/", include("xinan.policies.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
