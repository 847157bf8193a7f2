from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from scenariohub.api import api
from scenariohub.core.views import healthz
from scenariohub.scenarios.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("audit/", include("scenariohub.core.urls")),
    path("api/v1/", api.urls),
    path("accounts/", include("scenariohub.authn.urls")),
    path("accounts/", include("scenariohub.accounts.urls")),
    path("events/", include("scenariohub.events.urls")),
    path("plans/", include("scenariohub.plans.urls")),
    path("dashboard/", include("scenariohub.dashboard.urls")),
    path("exchange/", include("scenariohub.exchange.urls")),
    path("matching/", include("scenariohub.matching.urls")),
    path("tracking/", include("scenariohub.tracking.urls")),
    path("ai/", include("scenariohub.ai.urls")),
    path("news/", include("scenariohub.publicity.urls")),
    path("cases/", include("scenariohub.cases.urls")),
    path("promotion/", include("scenariohub.promotion.urls")),
    path("zones/", include("scenariohub.zones.urls")),
    path("support/", include("scenariohub.support.urls")),
    path("", include("scenariohub.scenarios.urls")),
]
