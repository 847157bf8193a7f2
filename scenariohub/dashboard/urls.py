from django.urls import path

from scenariohub.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.targets, name="targets"),
    path("targets.xlsx", views.targets_xlsx_download, name="targets-xlsx"),
    path("public/", views.public, name="public"),
    path("scenarios/", views.scenario_list, name="scenario-list"),
]
