"""The API's one error shape, whatever goes wrong: domain errors, validation, auth, CSRF, bad bodies, bugs."""

import pytest
from django.test import Client
from django.utils import translation

from scenariohub.api import validation_message
from scenariohub.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _shape(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "message", "details"}
    return body


def test_bad_json_is_422_invalid_json(provider):
    body = _shape(
        client_for(provider).post(f"{API}/scenarios", b"{oops", content_type="application/json"),
        422,
        "invalid_json",
    )
    assert list(body["details"]) == ["__all__"]
    assert _is_chinese(body["details"]["__all__"][0]) and _is_chinese(body["message"])


def test_empty_or_non_object_body_is_422(provider):
    for raw in (b"", b"null", b"[1]", b'"x"'):
        body = _shape(
            client_for(provider).post(f"{API}/scenarios", raw, content_type="application/json"),
            422,
            "validation_error",
        )
        assert list(body["details"]) == ["__all__"]


def test_missing_auth_is_401_with_challenge():
    response = Client().post(f"{API}/scenarios", b"{}", content_type="application/json")
    _shape(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_csrf_failure_is_403_csrf_failed(provider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.user)
    _shape(client.post(f"{API}/scenarios", b"{}", content_type="application/json"), 403, "csrf_failed")


def test_unexpected_errors_keep_the_shape(provider, monkeypatch):
    from scenariohub.scenarios import selectors

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "scenario_list_visible", boom)
    _shape(Client().get(f"{API}/scenarios"), 500, "server_error")


def _is_chinese(text: str) -> bool:
    # The wording is the catalogue's to choose; the test only checks that it is Chinese.
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_validation_messages_are_translated():
    cases = [
        ({"type": "missing", "loc": ("title",)}, "This field is required."),
        ({"type": "string_type", "loc": ("title",), "input": None}, "This field cannot be null."),
        ({"type": "string_too_long", "loc": ("t",), "input": "x" * 101, "ctx": {"max_length": 100}}, "100"),
        ({"type": "int_parsing", "loc": ("page",), "input": "a"}, "Enter a whole number."),
        ({"type": "something_new", "loc": ("x",)}, "Enter a valid value."),
    ]
    for err, english in cases:
        with translation.override("zh-hans"):
            message = validation_message(err)
        assert _is_chinese(message), message
        with translation.override("en"):
            assert english in validation_message(err)
