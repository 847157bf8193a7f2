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


class DefaultLanguageMiddleware:
    """Chinese unless the person chose otherwise with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official whose browser
    happens to be set to English would get an English platform. Here only the switcher's cookie counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if chosen not in supported and request.path.startswith("/api/"):
            # Machine clients say which language they want in the header; people use the switcher.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
