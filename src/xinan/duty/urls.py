from django.urls import path

from xinan.duty import views

app_name = "duty"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("sign-on/", views.sign_on, name="sign-on"),
    path("shifts/", views.shift_create, name="shift-create"),
    path("shifts/<int:shift_id>/sign-off/", views.sign_off, name="shift-sign-off"),
    path("shifts/<int:shift_id>/cancel/", views.shift_cancel, name="shift-cancel"),
]
