from django.urls import path

from scenariohub.promotion import views

app_name = "promotion"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.product_edit, name="product-create"),
    path("adoptions/", views.adoption_list, name="adoption-list"),
    path("<int:pk>/", views.product_detail, name="product-detail"),
    path("<int:pk>/edit/", views.product_edit, name="product-edit"),
    path("<int:pk>/adoptions/", views.adoption_create, name="adoption-create"),
]
