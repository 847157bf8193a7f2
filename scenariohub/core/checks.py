"""Start-up checks for what the platform cannot run without."""

from django.core import checks


@checks.register(checks.Tags.security)
def check_sm4_available(app_configs=None, **kwargs):
    """Personal data is stored SM4-GCM encrypted: an OpenSSL without SM4 must stop the process, not a save."""
    from scenariohub.core.crypto import sm4_gcm_available

    if sm4_gcm_available():
        return []
    return [
        checks.Critical(
            "The installed OpenSSL (through the cryptography package) does not provide SM4-GCM.",
            hint="Install a cryptography wheel (it bundles OpenSSL 3 with SM4) instead of building against the system's.",
            id="scenariohub.E001",
        )
    ]


@checks.register()
def check_rate_limits(app_configs=None, **kwargs):
    """Every rate limit setting parses (a typo must stop start-up, not the first login)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from scenariohub.core.ratelimit import Rate

    errors = []
    for scope in ("login", "login_account", "search", "export"):
        try:
            Rate.parse(settings.SCENARIOHUB_RATE_LIMITS[scope])
        except (ImproperlyConfigured, KeyError) as exc:
            errors.append(checks.Error(f"Rate limit {scope!r}: {exc}", id="scenariohub.E002"))
    return errors


@checks.register(checks.Tags.security)
def check_libmagic(app_configs=None, **kwargs):
    """Uploads are checked by libmagic too: without the library no upload could be accepted."""
    try:
        import magic

        magic.from_buffer(b"%PDF-1.7\n", mime=True)
    except Exception as exc:  # noqa: BLE001 - ImportError, or the library failing to load its database
        return [
            checks.Critical(
                f"libmagic is not usable ({exc.__class__.__name__}: {exc}).",
                hint="Install the system package libmagic1 (Debian/Ubuntu) and the python-magic package.",
                id="scenariohub.E003",
            )
        ]
    return []
