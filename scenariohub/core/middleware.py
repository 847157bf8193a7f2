from django.conf import settings


class SecurityHeadersMiddleware:
    """A strict Content Security Policy: no inline script or style, no third-party origin.

    Templates therefore load every script and stylesheet from /static/ (vendored assets, no CDN).
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
        "object-src 'none'"
    )
    # The API docs page (Swagger UI) ships its own inline bootstrap; it gets a relaxed policy of its own.
    DOCS_PREFIX = "/api/v1/docs"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.DOCS_PREFIX):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not settings.DEBUG:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
