from django.urls import path

from scenariohub.ai import views

app_name = "ai"
urlpatterns = [
    path("suggest/", views.classify_suggest, name="classify-suggest"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("status/", views.status, name="status"),
]
