"""Two-factor authentication (TOTP, django-otp) for the office and the admin site: enrolment with a QR
code, verification after the password, recovery codes (each once), reset by another office user, API
tokens unaffected. Frozen clock, so the codes computed here are the ones the server expects."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scenariohub.accounts.models import ApiToken, Role
from scenariohub.accounts.services import api_token_create
from scenariohub.accounts.tests.factories import TEST_PASSWORD, member
from scenariohub.authn.tests.helpers import totp_code, totp_device
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WORKSPACE = reverse("scenarios:workspace")
VERIFY = reverse("authn:verify")
ENROL = reverse("authn:enrol")
# Tomorrow 09:00: near the real clock, so sessions and password ages made outside the frozen blocks agree.
T0 = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def password_step(user, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    data = {"username": user.username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post(LOGIN, data)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_office_enrols_at_first_login_then_gets_in(office, frozen):
    client, response = password_step(office.user)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2Fworkspace%2F"
    # No authenticator yet: the verification step sends the office on to enrolment.
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == f"{ENROL}?next=%2Fworkspace%2F"
    # Until then every page leads back to the second factor.
    assert client.get(WORKSPACE)["Location"] == f"{VERIFY}?next=%2Fworkspace%2F"
    page = client.get(f"{ENROL}?next=/workspace/")
    html = page.content.decode()
    assert page.status_code == 200 and "设置双因素认证" in html
    assert "<svg" in html and "<script" not in html.split("</head>")[1] and "style=" not in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=office.user)
    assert not device.confirmed and b32decode(secret) == device.bin_key
    # A wrong code is refused with a Chinese message.
    wrong = client.post(
        ENROL, {"token": "000000" if totp(device.bin_key) else "111111", "next": "/workspace/"}
    )
    assert "验证码错误或已过期" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    frozen.shift(timedelta(seconds=2))  # django-otp makes one wait a second after a wrong code
    response = client.post(ENROL, {"token": f"{totp(b32decode(secret)):06d}", "next": "/workspace/"})
    html = response.content.decode()
    assert response.status_code == 200 and "恢复码" in html
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", html)
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert set(StaticToken.objects.filter(device__user=office.user).values_list("token", flat=True)) == set(
        codes
    )
    assert client.get(WORKSPACE).status_code == 200
    assert AuditLog.objects.filter(action="auth.2fa_enrol", actor=office.user).count() == 1


def test_an_enrolled_office_enters_its_code(office, frozen):
    device = totp_device(office.user)
    client, response = password_step(office.user, next_url="/events/")
    assert response["Location"] == f"{VERIFY}?next=%2Fevents%2F"
    page = client.get(response["Location"]).content.decode()
    assert "双因素认证" in page and "恢复码" in page
    bad = client.post(VERIFY, {"token": "12345", "next": "/events/"})
    assert bad.status_code == 200 and "验证码错误或已过期" in bad.content.decode()
    frozen.shift(timedelta(seconds=2))  # django-otp makes one wait a second after a wrong code
    response = client.post(VERIFY, {"token": totp_code(device), "next": "/events/"})
    assert response.status_code == 302 and response["Location"] == "/events/"
    assert client.get(WORKSPACE).status_code == 200
    assert list(
        AuditLog.objects.filter(action__startswith="auth.").order_by("id").values_list("action", flat=True)
    ) == ["auth.login", "auth.2fa_failed", "auth.2fa_verify"]


def test_a_code_is_accepted_once(office, frozen):
    device = totp_device(office.user)
    code = totp_code(device)
    first, _r = password_step(office.user)
    assert first.post(VERIFY, {"token": code})["Location"] == WORKSPACE
    second, _r = password_step(office.user)
    assert "验证码错误或已过期" in second.post(VERIFY, {"token": code}).content.decode()
    assert second.get(WORKSPACE).status_code == 302


def test_a_code_from_ten_minutes_ago_is_refused(office, frozen):
    device = totp_device(office.user)
    old = totp_code(device, at=(T0 - timedelta(minutes=10)).timestamp())
    client, _r = password_step(office.user)
    assert "验证码错误或已过期" in client.post(VERIFY, {"token": old}).content.decode()


def test_a_recovery_code_works_once(office, frozen):
    totp_device(office.user)
    static = StaticDevice.objects.create(user=office.user, name="恢复码", confirmed=True)
    for token in ("abcd2345efgh6723", "zyxw7654vuts3222"):
        static.token_set.create(token=token)
    client, _r = password_step(office.user)
    response = client.post(VERIFY, {"token": "ABCD 2345 EFGH 6723"})  # as printed, in capitals with spaces
    landing = client.get(WORKSPACE)
    assert response.status_code == 302 and landing.status_code == 200
    assert "还剩 1 个" in landing.content.decode()
    assert list(static.token_set.values_list("token", flat=True)) == ["zyxw7654vuts3222"]
    again, _r = password_step(office.user)
    assert "验证码错误或已过期" in again.post(VERIFY, {"token": "abcd2345efgh6723"}).content.decode()
    frozen.shift(timedelta(seconds=15))  # django-otp slows down repeated failures
    assert again.post(VERIFY, {"token": "zyxw7654vuts3222"}).status_code == 302
    assert AuditLog.objects.filter(action="auth.2fa_verify", data__recovery_code=True).count() == 2


def test_new_recovery_codes_replace_the_old(office, frozen):
    client = client_for(office)
    StaticDevice.objects.create(user=office.user, name="恢复码", confirmed=True).token_set.create(
        token="old2old2old2old2"
    )
    response = client.post(reverse("authn:recovery-codes"))
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10 and "old2old2old2old2" not in codes
    assert set(StaticToken.objects.filter(device__user=office.user).values_list("token", flat=True)) == set(
        codes
    )
    assert Client().post(reverse("authn:recovery-codes")).status_code == 302  # anonymous: to the login


def test_other_roles_have_no_second_step(provider, chengdu_city, frozen):
    for m in (provider, chengdu_city):
        client, response = password_step(m.user)
        assert response["Location"] == WORKSPACE and client.get(WORKSPACE).status_code == 200
        assert client.get(VERIFY).status_code == 302 and client.get(VERIFY)["Location"] == WORKSPACE


def test_the_admin_site_needs_the_second_factor(provider, frozen):
    admin = member(org_type=Role.PROVIDER, username="sysadmin").user
    admin.is_staff = admin.is_superuser = True
    admin.save()
    # Anonymous: the admin's login is the platform's login page.
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1] == (f"{LOGIN}?next=/admin/", 302)
    client, response = password_step(admin, next_url="/admin/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/login/")["Location"].startswith(VERIFY)
    device = totp_device(admin)
    assert client.post(VERIFY, {"token": totp_code(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Someone signed in without admin rights gets a refusal, not a loop through the login page.
    assert client_for(provider).get("/admin/login/?next=/admin/").status_code == 403


def test_the_session_id_changes_when_the_second_factor_is_verified(office, frozen):
    from django.conf import settings

    device = totp_device(office.user)
    client, _r = password_step(office.user)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(VERIFY, {"token": totp_code(device)})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_another_office_user_resets_the_second_factor(office, frozen):
    colleague = member(org_type=Role.OFFICE, region=None, username="office2")
    totp_device(office.user)
    StaticDevice.objects.create(user=office.user, name="恢复码", confirmed=True)
    page = client_for(colleague).get(reverse("authn:security")).content.decode()
    assert "office" in page and "重置" in page
    response = client_for(colleague).post(reverse("authn:two-factor-reset", args=[office.user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=office.user).exists()
    assert not StaticDevice.objects.filter(user=office.user).exists()
    entry = AuditLog.objects.get(action="auth.2fa_reset")
    assert entry.actor == colleague.user and entry.object_id == str(office.user.pk)
    # At the next login the office enrols again.
    client, response = password_step(office.user)
    assert client.get(response["Location"])["Location"].startswith(ENROL)


def test_nobody_resets_their_own_and_only_the_office_resets(office, chengdu_city, frozen):
    totp_device(office.user)
    response = client_for(office).post(reverse("authn:two-factor-reset", args=[office.user.pk]), follow=True)
    assert "须由省链长办的其他用户重置" in response.content.decode()
    assert (
        client_for(chengdu_city).post(reverse("authn:two-factor-reset", args=[office.user.pk])).status_code
        == 403
    )
    assert client_for(office).post(reverse("authn:two-factor-reset", args=[999999])).status_code == 404
    assert client_for(office).get(reverse("authn:two-factor-reset", args=[office.user.pk])).status_code == 405
    assert TOTPDevice.objects.filter(user=office.user, confirmed=True).count() == 1
    assert not AuditLog.objects.filter(action="auth.2fa_reset").exists()


def test_bearer_tokens_are_unaffected_and_creating_one_needs_the_second_factor(office, frozen):
    _token, raw = api_token_create(actor=as_actor(office), name="同步")
    body = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()
    assert body["authenticated"] is True and body["auth"] == "token"
    client, _r = password_step(office.user)  # password only, second factor not yet given
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    # An Authorization header does not let a half-logged-in session past the second factor.
    junk = client.get("/api/v1/me", headers={"Authorization": "Bearer junk"})
    assert junk.status_code == 401
    page = client.get(WORKSPACE, headers={"Authorization": f"Bearer {raw}"})
    assert page.status_code == 302 and page["Location"].startswith(VERIFY)
    response = client.post(reverse("accounts:token-list"), {"name": "未验证"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["同步"]
    verified = client_for(office)
    assert verified.post(reverse("accounts:token-list"), {"name": "已验证"}).status_code == 200
    assert ApiToken.objects.filter(name="已验证").exists()


def test_the_verify_and_enrol_pages_need_login(anon_client):
    for url in (VERIFY, ENROL):
        response = anon_client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_system_administrator_resets_in_the_admin_without_seeing_secrets(office, frozen):
    admin_user = member(org_type=Role.OFFICE, region=None, username="root").user
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_for(admin_user.memberships.get())
    device = totp_device(office.user)
    static = StaticDevice.objects.create(user=office.user, name="恢复码", confirmed=True)
    static.token_set.create(token="secret2code2abcd")
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page and str(office.user) in page
    static_page = client.get(
        reverse("admin:otp_static_staticdevice_change", args=[static.pk])
    ).content.decode()
    assert "secret2code2abcd" not in static_page
    assert not any(name.endswith(("_config", "_qrcode")) for name in _admin_url_names())
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=office.user).exists()
    entry = AuditLog.objects.get(action="auth.2fa_reset")
    assert (
        entry.actor == admin_user and entry.object_id == str(office.user.pk) and entry.data["via"] == "admin"
    )


def _admin_url_names() -> list[str]:
    from django.contrib import admin

    return [u.name or "" for model_admin in admin.site._registry.values() for u in model_admin.get_urls()]
