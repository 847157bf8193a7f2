from django.urls import path

from scenariohub.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.news_list, name="news-list"),
    path("manage/", views.news_manage, name="news-manage"),
    path("new/", views.news_edit, name="news-create"),
    path("<int:pk>/", views.news_detail, name="news-detail"),
    path("<int:pk>/edit/", views.news_edit, name="news-edit"),
    path("<int:pk>/cover/", views.news_cover, name="news-cover"),
]
