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
