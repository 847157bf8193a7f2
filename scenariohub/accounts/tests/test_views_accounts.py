"""Sign-in, sign-out, password change, membership switch and API tokens, through HTTP."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from scenariohub.accounts.models import ApiToken, Membership, Organisation, Role
from scenariohub.accounts.selectors import SESSION_MEMBERSHIP_KEY
from scenariohub.accounts.services import MAX_ACTIVE_TOKENS, api_token_create
from scenariohub.accounts.tests.factories import TEST_PASSWORD, UserFactory
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
TOKENS = reverse("accounts:token-list")


# ------------------------------------------------------------------------------------------- sign in/out


def test_login_page_is_chinese(anon_client):
    html = anon_client.get(LOGIN).content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html


def test_login_with_good_password_goes_to_the_workspace(provider):
    client = Client()
    response = client.post(LOGIN, {"username": provider.user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:workspace")
    assert client.session[SESSION_KEY] == str(provider.user.pk)


def test_login_keeps_a_safe_next_and_drops_an_external_one(provider):
    ok = Client().post(LOGIN, {"username": provider.user.username, "password": TEST_PASSWORD, "next": "/scenarios/"})
    assert ok["Location"] == "/scenarios/"
    evil = Client().post(LOGIN, {"username": provider.user.username, "password": TEST_PASSWORD,
                                 "next": "https://evil.example/"})
    assert evil["Location"] == reverse("scenarios:workspace")


def test_login_with_bad_password_shows_an_error_and_no_session(provider):
    client = Client()
    response = client.post(LOGIN, {"username": provider.user.username, "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_is_post_only(provider):
    client = client_for(provider)
    assert client.get(LOGOUT).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert SESSION_KEY not in client.session


# ------------------------------------------------------------------------------------------- password


def test_password_change(provider):
    client = client_for(provider)
    assert client.get(reverse("accounts:password-change")).status_code == 200
    response = client.post(reverse("accounts:password-change"), {
        "old_password": TEST_PASSWORD, "new_password1": "Tianfu-Chengdu-2026", "new_password2": "Tianfu-Chengdu-2026"})
    assert response["Location"] == reverse("accounts:password-change-done")
    provider.user.refresh_from_db()
    assert provider.user.check_password("Tianfu-Chengdu-2026")
    assert "密码已修改" in client.get(reverse("accounts:password-change-done")).content.decode()


def test_password_change_with_wrong_old_password_changes_nothing(provider):
    response = client_for(provider).post(reverse("accounts:password-change"), {
        "old_password": "not-it", "new_password1": "Tianfu-Chengdu-2026", "new_password2": "Tianfu-Chengdu-2026"})
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    provider.user.refresh_from_db()
    assert provider.user.check_password(TEST_PASSWORD)


def test_password_change_requires_login(anon_client):
    assert anon_client.get(reverse("accounts:password-change")).status_code == 302


# -------------------------------------------------------------------------------------------- membership


@pytest.fixture
def two_hats(provider):
    """The provider's user also works for the Chengdu city lead department."""
    city = Organisation.objects.create(name="成都市经济和信息化局", type=Role.CITY, region_id="510100")
    second = Membership.objects.create(user=provider.user, organisation=city, role=Role.CITY)
    return provider, second


def test_switch_membership_sets_the_session_and_changes_the_actor(two_hats):
    first, second = two_hats
    client = client_for(first)
    assert client.get(reverse("scenarios:review-queue")).status_code == 403
    response = client.post(reverse("accounts:switch-membership"), {"membership": second.pk})
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:workspace")
    assert client.session[SESSION_MEMBERSHIP_KEY] == second.pk
    assert client.get(reverse("scenarios:review-queue")).status_code == 200


def test_header_offers_the_switch_to_people_with_several_memberships(two_hats):
    html = client_for(two_hats[0]).get(reverse("scenarios:workspace")).content.decode()
    assert reverse("accounts:switch-membership") in html and "成都市经济和信息化局" in html


def test_switch_to_someone_elses_membership_is_404(two_hats, other_provider):
    first, _ = two_hats
    client = client_for(first)
    assert client.post(reverse("accounts:switch-membership"), {"membership": other_provider.pk}).status_code == 404
    assert client.post(reverse("accounts:switch-membership"), {"membership": "abc"}).status_code == 404
    assert SESSION_MEMBERSHIP_KEY not in client.session


def test_switch_membership_needs_login_and_post(anon_client, provider):
    assert anon_client.post(reverse("accounts:switch-membership"), {"membership": provider.pk}).status_code == 302
    assert client_for(provider).get(reverse("accounts:switch-membership")).status_code == 405


# ------------------------------------------------------------------------------------------------ tokens


def test_create_token_shows_it_once_and_stores_only_its_hash(provider):
    client = client_for(provider)
    response = client.post(TOKENS, {"name": "数据平台同步"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert len(raw) >= 43  # 32 random bytes
    assert token.key_hash == ApiToken.hash_key(raw) and raw not in token.key_hash
    assert token.prefix == raw[:8] and token.membership_id == provider.pk and token.user_id == provider.user_id
    assert AuditLog.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    listing = client.get(TOKENS).content.decode()
    assert raw not in listing and f"{token.prefix}…" in listing and "数据平台同步" in listing


def test_the_new_token_authenticates_api_calls(provider):
    from scenariohub.scenarios.tests.factories import ScenarioFactory

    draft = ScenarioFactory(owner=provider.organisation, title="只有本单位可见的草稿")
    html = client_for(provider).post(TOKENS, {"name": "机器"}).content.decode()
    raw = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    url = reverse("api-v1:scenario-detail", args=[draft.pk])
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("name", ["", "   ", "长" * 61])
def test_create_token_with_bad_name_writes_nothing(provider, name):
    response = client_for(provider).post(TOKENS, {"name": name})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert not ApiToken.objects.exists() and not AuditLog.objects.changes().exists()


def test_create_token_beyond_the_limit_is_refused(provider):
    for i in range(MAX_ACTIVE_TOKENS):
        api_token_create(actor=as_actor(provider), name=f"t{i}")
    response = client_for(provider).post(TOKENS, {"name": "one too many"})
    assert "有效令牌过多" in response.content.decode()
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_user_without_membership_cannot_create_tokens():
    client = Client()
    client.force_login(UserFactory())
    response = client.post(TOKENS, {"name": "x"})
    assert response.status_code == 302 and not ApiToken.objects.exists()


def test_token_list_shows_only_my_tokens(provider, other_provider):
    api_token_create(actor=as_actor(provider), name="我的令牌")
    api_token_create(actor=as_actor(other_provider), name="别人的令牌")
    html = client_for(provider).get(TOKENS).content.decode()
    assert "我的令牌" in html and "别人的令牌" not in html


def test_revoke_my_token(provider):
    token, _ = api_token_create(actor=as_actor(provider), name="旧令牌")
    client = client_for(provider)
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(action="api_token.revoke").count() == 1
    # Revoking again changes nothing and records nothing.
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert AuditLog.objects.filter(action="api_token.revoke").count() == 1


def test_revoke_someone_elses_token_is_404(provider, other_provider):
    token, _ = api_token_create(actor=as_actor(other_provider), name="别人的令牌")
    assert client_for(provider).post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_need_login_and_revoke_needs_post(anon_client, provider):
    token, _ = api_token_create(actor=as_actor(provider), name="x")
    assert anon_client.get(TOKENS).status_code == 302
    assert anon_client.post(TOKENS, {"name": "x"}).status_code == 302
    assert client_for(provider).get(reverse("accounts:token-revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.count() == 1


# ------------------------------------------------------------------------------------------------- admin


@pytest.fixture
def admin_client_office(office):
    office.user.is_staff = office.user.is_superuser = True
    office.user.save()
    return client_for(office)


def test_admin_pages_open_for_the_office(admin_client_office, provider):
    api_token_create(actor=as_actor(provider), name="x")
    for name in ("accounts_user", "accounts_organisation", "accounts_membership", "accounts_apitoken",
                 "scenarios_scenario", "core_auditlog"):
        assert admin_client_office.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert admin_client_office.get(reverse("admin:accounts_user_change", args=[provider.user_id])).status_code == 200


def test_admin_scenario_filters(admin_client_office, provider):
    from scenariohub.scenarios.tests.factories import ScenarioFactory

    ScenarioFactory(owner=provider.organisation, title="筛选目标")
    html = admin_client_office.get(reverse("admin:scenarios_scenario_changelist"),
                                   {"status__exact": "draft", "region__code__exact": "510100"}).content.decode()
    assert "筛选目标" in html


def test_audit_log_and_tokens_cannot_be_added_or_changed_in_the_admin(admin_client_office, provider):
    token, _ = api_token_create(actor=as_actor(provider), name="x")
    entry = AuditLog.objects.get()
    assert admin_client_office.get(reverse("admin:core_auditlog_add")).status_code == 403
    assert admin_client_office.post(reverse("admin:core_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert admin_client_office.post(reverse("admin:core_auditlog_change", args=[entry.pk]), {"action": "x"}).status_code == 403
    assert admin_client_office.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert admin_client_office.post(reverse("admin:accounts_apitoken_change", args=[token.pk]), {"name": "y"}).status_code == 403
    entry.refresh_from_db()
    token.refresh_from_db()
    assert AuditLog.objects.changes().count() == 1 and entry.action == "api_token.create" and token.name == "x"


def test_admin_is_closed_to_non_staff(provider):
    assert client_for(provider).get(reverse("admin:core_auditlog_changelist")).status_code == 302
