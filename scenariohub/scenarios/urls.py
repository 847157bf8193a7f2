from django.urls import path

app_name = "scenarios"
urlpatterns: list = []
