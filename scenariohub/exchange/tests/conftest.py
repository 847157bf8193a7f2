import pytest


@pytest.fixture(autouse=True)
def _fast_passwords_and_inline_tasks(settings):
    # Personas hash a password each; the default hasher makes that the slowest part of these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Queued tasks run in the committing thread, so they see the test's transaction.
    settings.SCENARIOHUB_TASKS = "inline"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Import progress lives in the cache; the test database is rolled back between tests, the cache is not.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
