"""The production profile: `check --deploy` passes with 0 issues, production refuses to start without
PostgreSQL and Redis, and sessions live in the shared cache (written through to the database)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.test import Client

from scenariohub.accounts.tests.factories import TEST_PASSWORD

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "scenariohub.settings",
        "SCENARIOHUB_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "SCENARIOHUB_DATA_KEY": secrets.token_urlsafe(40),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "scenarios.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://scenarios.example.gov.cn",
        "DATABASE_URL": "postgres://scenariohub:secret@db.internal:5432/scenariohub",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "SCENARIOHUB_VAR_DIR": str(tmp_path / "var"),
        "SCENARIOHUB_TRUSTED_PROXIES": "1",
        "SCENARIOHUB_EMBEDDER": "none",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_has_no_issue_at_warning_level(tmp_path):
    # Neither the database nor Redis is contacted: the checks read the configuration.
    done = run(
        ["-m", "scenariohub", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


SHOW = "import django; django.setup(); from django.conf import settings as s; print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], s.DATABASES['default']['ENGINE'], s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"


def test_production_uses_postgresql_redis_and_cached_sessions(tmp_path):
    done = run(["-c", SHOW], production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
        "django.db.backends.postgresql",
        "True",
        "31536000",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"REDIS_URL": None}, "REDIS_URL must be set in production"),
        ({"DATABASE_URL": None}, "Production runs on PostgreSQL"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"DEBUG": "1"}, "DEBUG must be off in production"),
    ],
)
def test_production_refuses_an_unsafe_or_single_server_configuration(tmp_path, overrides, message):
    done = run(["-c", SHOW], production_env(tmp_path, **overrides))
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and message in done.stderr


@pytest.mark.django_db
def test_sessions_in_redis_are_shared_and_outlive_the_cache(settings, provider):
    """What several app servers rely on: a session written by one is read by any other, through Redis,
    and survives Redis losing it because cached_db also keeps it in the database."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-s4-{secrets.token_hex(4)}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache = caches["default"]
    try:
        cache.get("ping")
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
    one = Client()
    assert (
        one.post(
            "/accounts/login/", {"username": provider.user.username, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    key = one.cookies["sessionid"].value
    assert cache.get(KEY_PREFIX + key) is not None, "the session is in Redis"

    other = Client()  # another app server: nothing shared but the cookie, Redis and the database
    other.cookies["sessionid"] = key
    assert other.get("/workspace/").status_code == 200
    cache.delete(KEY_PREFIX + key)  # as a Redis restart would (clear() would flush everybody's keys)
    assert other.get("/workspace/").status_code == 200, "read back from the database after Redis lost it"
    one.post("/accounts/logout/")
    assert cache.get(KEY_PREFIX + key) is None
    assert other.get("/workspace/").status_code == 302, "logging out ends the session everywhere"


@pytest.mark.django_db
def test_behind_nginx_the_login_limit_counts_each_client_not_the_proxy(settings):
    """With SCENARIOHUB_TRUSTED_PROXIES=1 every request comes from nginx's address; the per-address login
    limit must count the client address nginx forwards, or one busy office would lock everybody out."""
    from django.core.cache import cache

    settings.SCENARIOHUB_RATE_LIMITS_ENABLED = True
    settings.SCENARIOHUB_RATE_LIMITS = {
        **settings.SCENARIOHUB_RATE_LIMITS,
        "login": "2/m",
        "login_account": "100/h",
    }
    settings.SCENARIOHUB_TRUSTED_PROXIES = 1
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s4-proxy"}
    }
    cache.clear()

    def attempt(address: str) -> int:
        return (
            Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
            .post("/accounts/login/", {"username": "nobody", "password": "wrong-password-1"})
            .status_code
        )

    assert [attempt("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.23") == 200, "another client behind the same proxy is not limited"
