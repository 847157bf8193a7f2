from django.urls import path

from scenariohub.authn import views

app_name = "authn"
urlpatterns = [
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("password/expired/", views.password_expired, name="password-expired"),
    path("security/", views.security, name="security"),
    path("security/<int:user_id>/unlock/", views.unlock, name="unlock"),
    path("security/<int:user_id>/reset-two-factor/", views.two_factor_reset, name="two-factor-reset"),
]
