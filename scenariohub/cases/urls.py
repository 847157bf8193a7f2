from django.urls import path

from scenariohub.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.showcase, name="showcase"),
    path("review/", views.case_review, name="case-review"),
    path("quotas/", views.quota_list, name="quota-list"),
    path("nominate/<int:cooperation_id>/", views.case_nominate, name="case-nominate"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/pdf/", views.case_pdf_download, name="case-pdf"),
    path("<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("<int:pk>/decide/", views.case_decide, name="case-decide"),
    path("<int:pk>/photos/", views.case_photo_upload, name="case-photo-upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.case_photo, name="case-photo"),
    path("<int:pk>/photos/<int:photo_id>/delete/", views.case_photo_delete, name="case-photo-delete"),
]
