"""Named personas shared by every app's tests (STYLE.md): the office, Chengdu's city lead department,
another city's, two providers, a provincial department, a supplier, and anonymous."""

import pytest
from django.test import Client

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member

CHENGDU = "510100"
MIANYANG = "510700"

# The browser journeys' fixtures (browser, new_page, reference_data); their helpers are imported from it.
pytest_plugins = ["scenariohub.core.tests.browser"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A deliberately weak hasher: tests create many users and do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background work runs at commit in the test's own thread: a worker thread would outlive the test
    # and touch a database the test runner has already closed.
    settings.SCENARIOHUB_TASKS = "inline"
    # Every test client comes from 127.0.0.1 within the same minute: rate limits are tested on their own
    # (core/tests/test_ratelimit.py), not left to trip unrelated tests.
    settings.SCENARIOHUB_RATE_LIMITS_ENABLED = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Transactional tests (and live-server journeys) end with a flush that also empties the reference
    tables loaded by migration; put them back, after every fixture's teardown (so after the flush), so
    that the tests after them see the plan's taxonomy."""
    yield
    if nextitem is None:  # the last test: the test database is being dropped, nothing comes after
        return
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in getattr(
        item, "fixturenames", ()
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps as global_apps
    from pytest_django.plugin import blocking_manager_key

    from scenariohub.reference.models import Region

    with item.config.stash[blocking_manager_key].unblock():
        if not Region.objects.exists():
            importlib.import_module("scenariohub.reference.migrations.0002_load_taxonomy").load(global_apps, None)


@pytest.fixture
def office(db):
    return member(org_type=Role.OFFICE, region=None, name="四川省人工智能产业链链长办公室", username="office")


@pytest.fixture
def chengdu_city(db):
    return member(org_type=Role.CITY, region=CHENGDU, name="成都市经济和信息化局", username="chengdu")


@pytest.fixture
def mianyang_city(db):
    return member(org_type=Role.CITY, region=MIANYANG, name="绵阳市经济和信息化局", username="mianyang")


@pytest.fixture
def provider(db):
    return member(org_type=Role.PROVIDER, region=CHENGDU, name="成都智造示范工厂", username="provider")


@pytest.fixture
def other_provider(db):
    return member(org_type=Role.PROVIDER, region=MIANYANG, name="绵阳光伏科技有限公司", username="provider2")


@pytest.fixture
def department(db):
    return member(org_type=Role.DEPARTMENT, region=CHENGDU, name="四川省应急管理厅", username="department")


@pytest.fixture
def supplier(db):
    return member(org_type=Role.SUPPLIER, region=CHENGDU, name="蜀智科技有限公司", username="supplier")


def as_actor(membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


def client_for(membership) -> Client:
    """A client logged in as the membership's user; for the office (second factor required) the session
    is also marked verified, as after the two-factor step."""
    from scenariohub.authn.signals import TWO_FACTOR
    from scenariohub.authn.tests.helpers import mark_verified

    client = Client()
    client.force_login(membership.user)
    if client.session.get(TWO_FACTOR):
        mark_verified(client, membership.user)
    return client


@pytest.fixture
def anon_client():
    return Client()
