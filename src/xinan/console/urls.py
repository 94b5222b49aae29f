from django.urls import path

from xinan.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit-list"),
]
