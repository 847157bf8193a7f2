"""Deactivating an account anonymises it: service (office only, once, audited), office page, admin action;
and user e-mails are encrypted at rest."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from scenariohub.accounts.models import ApiToken, Membership, User
from scenariohub.accounts.services import ANONYMISED_NAME, account_anonymise, api_token_create
from scenariohub.conftest import as_actor, client_for
from scenariohub.core import crypto
from scenariohub.core.errors import NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog

pytestmark = pytest.mark.django_db
URL = reverse("accounts:account-anonymise")


@pytest.fixture
def person(provider):
    user = provider.user
    user.email, user.first_name, user.last_name, user.display_name = (
        "zhang.wei@example.cn",
        "伟",
        "张",
        "张伟",
    )
    user.save()
    api_token_create(actor=as_actor(provider), name="对接系统")
    return provider


def _raw_email(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM accounts_user WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_user_email_is_encrypted_at_rest(person):
    raw = _raw_email(person.user_id)
    assert crypto.is_encrypted(raw) and "zhang" not in raw
    assert User.objects.get(pk=person.user_id).email == "zhang.wei@example.cn"


def test_the_office_anonymises_an_account(person, office):
    user = account_anonymise(actor=as_actor(office), user_id=person.user_id, reason="离职")
    user = User.objects.get(pk=user.pk)
    assert user.username == f"anon-{user.pk}" and user.display_name == ANONYMISED_NAME
    assert (user.first_name, user.last_name, user.email, _raw_email(user.pk)) == ("", "", "", "")
    assert not user.is_active and not user.has_usable_password() and not user.is_staff
    assert Membership.objects.get(pk=person.pk).ended_at is not None  # kept, ended
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    record = AuditLog.objects.get(action="account.anonymise")
    assert record.object_id == str(user.pk) and record.actor_id == office.user_id
    assert record.data["memberships_ended"] == 1 and record.data["tokens_revoked"] == 1
    assert "zhang" not in str(record.data) and "provider" not in str(record.data)


def test_the_anonymised_person_is_signed_out_and_cannot_act(person, office):
    client = client_for(person)
    assert client.get(reverse("accounts:token-list")).status_code == 200
    account_anonymise(actor=as_actor(office), user_id=person.user_id, reason="离职")
    assert client.get(reverse("accounts:token-list")).status_code == 302  # session no longer valid
    assert not client.login(username="provider", password="x") and not User.objects.filter(
        username="provider"
    )


def test_only_the_office_never_itself_and_only_once(person, office, chengdu_city):
    with pytest.raises(PermissionDenied):
        account_anonymise(actor=as_actor(chengdu_city), user_id=person.user_id, reason="x")
    with pytest.raises(ValidationFailed):
        account_anonymise(actor=as_actor(office), user_id=office.user_id, reason="x")
    with pytest.raises(ValidationFailed):
        account_anonymise(actor=as_actor(office), user_id=person.user_id, reason="  ")
    with pytest.raises(NotFound):
        account_anonymise(actor=as_actor(office), user_id=999999, reason="x")
    assert User.objects.get(pk=person.user_id).username == "provider"
    account_anonymise(actor=as_actor(office), user_id=person.user_id, reason="离职")
    with pytest.raises(ValidationFailed) as caught:
        account_anonymise(actor=as_actor(office), user_id=person.user_id, reason="离职")
    assert caught.value.code == "already_anonymised"
    assert AuditLog.objects.filter(action="account.anonymise").count() == 1


def test_the_office_page(person, office):
    client = client_for(office)
    page = client.get(URL, {"username": "provider"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "z***@example.cn" in text and "zhang.wei@example.cn" not in text
    response = client.post(URL, {"user_id": person.user_id, "username": "provider", "reason": "离职"})
    assert response.status_code == 302
    assert User.objects.get(pk=person.user_id).username == f"anon-{person.user_id}"


def test_the_office_page_refuses_bad_input_and_other_people(person, office, chengdu_city, anon_client):
    response = client_for(office).post(URL, {"user_id": person.user_id, "username": "provider", "reason": ""})
    assert response.status_code == 302 and User.objects.get(pk=person.user_id).is_active
    assert client_for(office).post(URL, {"user_id": "abc", "reason": "x"}).status_code == 302
    assert client_for(chengdu_city).get(URL).status_code == 403
    assert client_for(chengdu_city).post(URL, {"user_id": person.user_id, "reason": "x"}).status_code == 403
    assert anon_client.post(URL, {"user_id": person.user_id, "reason": "x"}).status_code == 302
    assert User.objects.get(pk=person.user_id).is_active
    assert not AuditLog.objects.filter(action="account.anonymise").exists()


def test_the_admin_action_goes_through_the_service(person, office):
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = office.user
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = site._registry[User]
    model_admin.anonymise_accounts(request, User.objects.filter(pk__in=[person.user_id, office.user_id]))
    assert User.objects.get(pk=person.user_id).username == f"anon-{person.user_id}"
    assert User.objects.get(pk=office.user_id).is_active  # itself: refused, reported
    assert AuditLog.objects.filter(action="account.anonymise").count() == 1
