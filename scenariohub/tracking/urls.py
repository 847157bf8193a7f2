from django.urls import path

from scenariohub.tracking import views

app_name = "tracking"
urlpatterns = [
    path("", views.cooperation_list, name="cooperation-list"),
    path("new/<int:application_pk>/", views.cooperation_create, name="cooperation-create"),
    path("<int:pk>/", views.cooperation_detail, name="cooperation-detail"),
    path("<int:pk>/start/", views.cooperation_start, name="cooperation-start"),
    path("<int:pk>/terminate/", views.cooperation_terminate, name="cooperation-terminate"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/reports/new/", views.report_create, name="report-create"),
    path("<int:pk>/followups/", views.followup_create, name="followup-create"),
    path("<int:pk>/pilot/", views.pilot_accept, name="pilot-accept"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone-complete"),
    path("followups/<int:pk>/resolve/", views.followup_resolve, name="followup-resolve"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("sheet.xlsx", views.sheet_download, name="sheet-download"),
    path("sheet/upload/", views.sheet_upload, name="sheet-upload"),
    path("sheet/<int:pk>/", views.sheet_preview, name="sheet-preview"),
    path("sheet/<int:pk>/apply/", views.sheet_apply, name="sheet-apply"),
]
