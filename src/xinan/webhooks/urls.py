from django.urls import path

from xinan.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="endpoint-list"),
    path("new/", views.endpoint_create, name="endpoint-create"),
    path("<int:endpoint_id>/toggle/", views.endpoint_toggle, name="endpoint-toggle"),
    path("<int:endpoint_id>/rotate-secret/", views.endpoint_rotate, name="endpoint-rotate"),
    path("deliveries/", views.delivery_list, name="delivery-list"),
    path(
        "deliveries/<int:delivery_id>/redeliver/",
        views.delivery_redeliver,
        name="delivery-redeliver",
    ),
]
