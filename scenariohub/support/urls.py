from django.urls import path

from scenariohub.support import views

app_name = "support"
urlpatterns = [
    path("", views.measure_list, name="measure-list"),
    path("departments/", views.measure_department, name="measure-department"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("summary/", views.summary, name="summary-detail"),
    path("summary/<int:year>.xlsx", views.summary_export, name="summary-export"),
]
