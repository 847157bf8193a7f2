"""Fixtures of the matching tests, on top of the project's personas (scenariohub/conftest.py)."""

import pytest
from django.test import Client

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import MembershipFactory, UserFactory, member
from scenariohub.conftest import CHENGDU, MIANYANG
from scenariohub.matching.tests.factories import SupplierProfileFactory, api_token, released_scenario


@pytest.fixture
def scenario(provider):
    """A published scenario of the provider persona, open for 30 more days."""
    return released_scenario(provider.organisation, title="产线外观缺陷智能检测")


@pytest.fixture
def supplier2(db):
    return member(org_type=Role.SUPPLIER, region=MIANYANG, name="绵州智能装备有限公司", username="supplier2")


@pytest.fixture
def supplier3(db):
    return member(org_type=Role.SUPPLIER, region=CHENGDU, name="天府算法科技有限公司", username="supplier3")


@pytest.fixture
def profile(supplier):
    return SupplierProfileFactory(organisation=supplier.organisation)


@pytest.fixture
def provider_colleague(provider):
    """A second user of the provider organisation (a reviewer candidate)."""
    return MembershipFactory(organisation=provider.organisation, role=Role.PROVIDER,
                             user=UserFactory(username="provider-colleague", email="colleague@example.cn"))


@pytest.fixture(autouse=True)
def _emails(supplier, provider):
    """Personas with addresses, so the e-mail copies of notifications can be checked."""
    for m in (supplier, provider):
        m.user.email = f"{m.user.username}@example.cn"
        m.user.save(update_fields=["email"])


def token_client(membership) -> Client:
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {api_token(membership)}"})
