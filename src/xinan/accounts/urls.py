from django.urls import path

from xinan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.AuditedLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("lockouts/", views.lockout_list, name="lockout-list"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout-unlock"),
]
