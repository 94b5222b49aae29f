from django.urls import include, path

from xinan.accounts.views import home
from xinan.config.api import api

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("xinan.accounts.urls")),
    path("console/", include("xinan.console.urls")),
    path("portal/", include("xinan.portal.urls")),
    path("review/", include("xinan.moderation.urls")),
    path("portal/t/<int:tenant_id>/webhooks/", include("xinan.webhooks.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
