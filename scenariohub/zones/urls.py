from django.urls import path

from scenariohub.zones import views

app_name = "zones"
urlpatterns = [
    path("", views.year_list, name="year-list"),
    path("<int:year>/", views.ranking, name="ranking-detail"),
    path("<int:year>/ranking.xlsx", views.ranking_export, name="ranking-export"),
    path("<int:year>/weights/", views.weights_edit, name="weights-edit"),
    path("<int:year>/inputs/", views.inputs_edit, name="inputs-edit"),
    path("<int:year>/selections/", views.selection_create, name="selection-create"),
    path("<int:year>/selections/<int:pk>/remove/", views.selection_remove, name="selection-remove"),
    path("<int:year>/decide/", views.year_decide, name="year-decide"),
]
