from django.urls import path

from scenariohub.core import audit_views

app_name = "core"

urlpatterns = [
    path("", audit_views.audit_list, name="audit-list"),
    path("export/", audit_views.audit_export_xlsx, name="audit-export"),
]
