"""Test helpers for the second factor, used by the root conftest's `client_for` and the browser `log_in`."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, created if there is none (as after an enrolment)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The 6 digits an authenticator app would show for this device at `at` (now by default).

    A code is accepted once per 30-second step (django-otp refuses replays), so a second login within the
    same step uses the next step's code, which the device's tolerance of one step accepts."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client, user) -> None:
    """What django_otp.login() does: the session remembers the verified device. For test clients whose
    user logged in with force_login (the rules' own tests go through the real verification step)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
