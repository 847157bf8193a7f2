"""The OpenAPI document is valid, complete for the scenarios API, and pinned by a snapshot.

The snapshot covers only the scenarios router's paths (under `/api/v1/scenarios`, `/api/v1/reference`,
`/api/v1/me`) and the component schemas they reference, so other apps' routers change without touching it. After a deliberate
change, regenerate it:  UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/python -m pytest scenariohub/core/tests/test_api_openapi.py
"""

import json
import os
from pathlib import Path

import pytest
from django.test import Client

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")
PREFIXES = ("/api/v1/scenarios", "/api/v1/reference", "/api/v1/me")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict:
    # The document needs no database; the test client just serves it as a client would get it.
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _refs(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _our_paths() -> set[str]:
    """The scenarios router's paths, all under the three prefixes. Filtering by router as well as by prefix
    keeps another app's route under /api/v1/scenarios/… (say, applications) out of this snapshot."""
    from scenariohub.scenarios.api import router

    paths = {"/api/v1" + p for p in router.path_operations}
    assert all(p.startswith(PREFIXES) for p in paths)
    return paths


def _ours(schema: dict) -> dict:
    """Our paths plus the component schemas they reach, transitively."""
    mine = _our_paths()
    paths = {p: item for p, item in schema["paths"].items() if p in mine}
    components = schema.get("components", {}).get("schemas", {})
    wanted: dict = {}
    todo = _refs(paths)
    while todo:
        ref = todo.pop()
        name = ref.rsplit("/", 1)[-1]
        if name in wanted:
            continue
        wanted[name] = components[name]
        todo |= _refs(components[name])
    return {"paths": paths, "components": {"schemas": wanted}}


def test_document_is_openapi_3_and_every_ref_resolves(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] and schema["info"]["version"]
    components = schema.get("components", {}).get("schemas", {})
    for ref in _refs(schema):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[-1] in components, ref


def test_document_passes_the_openapi_validator(schema):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(schema)


def test_every_operation_is_documented_with_the_error_shape(schema):
    ours = _ours(schema)["paths"]
    assert set(ours) >= {
        "/api/v1/scenarios",
        "/api/v1/scenarios/{id}",
        "/api/v1/scenarios/{id}/transitions",
        "/api/v1/scenarios/{id}/attachments/{attachment_id}",
        "/api/v1/reference",
        "/api/v1/me",
    }
    operations = [
        (path, method, op) for path, item in ours.items() for method, op in item.items() if method in METHODS
    ]
    assert len(operations) == 10
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary") and op.get("description"), where
        assert op.get("operationId"), where
        assert any(code.startswith("2") for code in op["responses"]), where
        errors = [code for code in op["responses"] if code[0] in "45"]
        assert "401" in errors, where  # every operation may meet a bad token
        for code in errors:
            ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), where
        if "{id}" in path:
            assert {"404", "422"} <= set(errors), where
        if method != "get":
            assert {"403", "422"} <= set(errors), where
            assert op.get("security"), where


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def test_our_component_names_are_not_shared(schema):
    """ninja names components by class name only: another app's `AttachmentOut` would silently replace ours
    in the document (it did once). Our components must each come from exactly one class."""
    from ninja import Schema

    by_name: dict[str, set[str]] = {}
    for cls in _all_subclasses(Schema):
        if cls.__module__.startswith("scenariohub."):
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    for name in _ours(schema)["components"]["schemas"]:
        assert len(by_name.get(name, ())) <= 1, f"{name} is defined by {sorted(by_name[name])}"


def test_docs_page_is_served():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_snapshot(schema):
    current = _ours(schema)
    text = json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
        pytest.skip("snapshot written")
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_OPENAPI_SNAPSHOT=1"
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == expected, (
        "The scenarios API's OpenAPI changed. If the change is deliberate (and clients are told), regenerate "
        "the snapshot with UPDATE_OPENAPI_SNAPSHOT=1; otherwise undo it."
    )
