from django.urls import path

from scenariohub.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("new/", views.event_create, name="event-create"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("<int:pk>/scenarios/", views.event_assign, name="event-assign"),
    path("<int:pk>/scenarios/<int:scenario_pk>/remove/", views.event_unassign, name="event-unassign"),
    path("<int:pk>/hold/", views.event_hold, name="event-hold"),
    path("<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path("<int:pk>/register/", views.event_register, name="event-register"),
    path("<int:pk>/calendar.ics", views.event_ics, name="event-ics"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("rotation/", views.rotation, name="rotation"),
    path("rotation/override/", views.rotation_override, name="rotation-override"),
    path("rotation/override/clear/", views.rotation_override_clear, name="rotation-override-clear"),
    path("rotation/schedule/", views.rotation_schedule, name="rotation-schedule"),
    path("rotation/availability/", views.rotation_availability, name="rotation-availability"),
    path("rotation/availability/<int:pk>/clear/", views.rotation_availability_clear, name="rotation-availability-clear"),
]
