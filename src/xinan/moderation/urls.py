from django.urls import path

from xinan.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue-list"),
    path("bulk/", views.queue_bulk, name="queue-bulk"),
    path("items/<int:item_id>/", views.item_detail, name="item-detail"),
    path("items/<int:item_id>/claim/", views.item_claim, name="item-claim"),
    path("items/<int:item_id>/release/", views.item_release, name="item-release"),
    path("items/<int:item_id>/decide/", views.item_decide, name="item-decide"),
    path("items/<int:item_id>/rescan/", views.item_rescan, name="item-rescan"),
    path(
        "items/<int:item_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
]
