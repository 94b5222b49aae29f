from django.urls import path

from xinan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("t/<int:tenant_id>/", views.tenant_detail, name="tenant-detail"),
    path("t/<int:tenant_id>/keys/", views.key_list, name="key-list"),
    path("t/<int:tenant_id>/keys/new/", views.key_create, name="key-create"),
    path("t/<int:tenant_id>/keys/<int:key_id>/revoke/", views.key_revoke, name="key-revoke"),
    path("t/<int:tenant_id>/members/", views.member_list, name="member-list"),
    path("t/<int:tenant_id>/members/new/", views.member_create, name="member-create"),
    path(
        "t/<int:tenant_id>/members/<int:membership_id>/delete/",
        views.member_delete,
        name="member-delete",
    ),
    path("t/<int:tenant_id>/audit/", views.audit_list, name="audit-list"),
]
