from django.urls import path

from scenariohub.exchange import views

app_name = "exchange"
urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_create, name="import-create"),
    path("imports/template.xlsx", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("export.xlsx", views.export_xlsx_view, name="export-xlsx"),
    path("export.csv", views.export_csv_view, name="export-csv"),
    path("open-data/", views.open_data, name="open-data"),
]
