from django.urls import path

from scenariohub.scenarios import views

app_name = "scenarios"
urlpatterns = [
    path("scenarios/", views.catalogue, name="catalogue"),
    path("scenarios/fields/", views.field_options, name="field-options"),
    path("scenarios/<int:pk>/", views.detail, name="detail"),
    path("scenarios/<int:pk>/transition/", views.transition, name="transition"),
    path("scenarios/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/scenarios/new/", views.create, name="create"),
    path("workspace/scenarios/<int:pk>/edit/", views.edit, name="edit"),
    path("workspace/scenarios/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path(
        "workspace/scenarios/<int:pk>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path("workspace/review/", views.review_queue, name="review-queue"),
    path("workspace/review/bulk/", views.review_bulk, name="review-bulk"),
]
