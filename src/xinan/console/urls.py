from django.urls import path

from xinan.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("tenants/", views.tenant_list, name="tenant-list"),
    path("tenants/new/", views.tenant_create, name="tenant-create"),
    path("tenants/<int:tenant_id>/", views.tenant_detail, name="tenant-detail"),
    path("tenants/<int:tenant_id>/status/", views.tenant_status, name="tenant-status"),
    path("tenants/<int:tenant_id>/members/", views.member_create, name="member-create"),
    path(
        "tenants/<int:tenant_id>/members/<int:membership_id>/delete/",
        views.member_delete,
        name="member-delete",
    ),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:event_id>/", views.audit_detail, name="audit-detail"),
]
