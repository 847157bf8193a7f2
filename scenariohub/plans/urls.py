from django.urls import path

from scenariohub.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<int:year>/", views.plan_detail, name="plan-detail"),
    path("<int:year>/export.<str:fmt>", views.plan_export, name="plan-export"),
    path("<int:year>/compile/", views.plan_compile, name="plan-compile"),
    path("<int:year>/items/add/", views.plan_item_add, name="plan-item-add"),
    path("<int:year>/items/<int:scenario_pk>/drop/", views.plan_item_drop, name="plan-item-drop"),
    path("<int:year>/items/<int:scenario_pk>/move/", views.plan_item_move, name="plan-item-move"),
    path("<int:year>/confirm/", views.plan_confirm, name="plan-confirm"),
]
