"""The project's URLs plus one view that fails, for the error-page tests (used with @pytest.mark.urls)."""

from django.urls import path

from scenariohub.urls import urlpatterns as project_urlpatterns


class PlannedFailure(RuntimeError):
    pass


def fail(request):
    # What a bug would do mid-request, with a secret in the message that must not reach the client or log.
    raise PlannedFailure("boom while handling password=hunter2-secret")


urlpatterns = [path("test-fault/", fail), *project_urlpatterns]
handler500 = "django.views.defaults.server_error"
