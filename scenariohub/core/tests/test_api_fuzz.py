"""schemathesis over every operation of `/api/v1/openapi.json`, in-process (the WSGI app, no server).

Every operation the document lists is a test of its own (schemathesis enumerates the schema, so a router
added later is covered without touching this file), with positive and negative data, sent anonymously or
with the bearer token of one of four personas (drawn per case). Whatever is sent, the API must answer
without a server error and within its documented contract: a documented status, the declared content
type, a body that matches the response schema, and invalid data rejected.

`make test` runs a few cases per operation; `make fuzz` runs 100 or more:
    SCHEMATHESIS_MAX_EXAMPLES=100 .venv/bin/python -m pytest scenariohub/core/tests/test_api_fuzz.py
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scenariohub.accounts.models import ApiToken, Role
from scenariohub.accounts.tests.factories import member
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
PERSONAS = ("anonymous", "office", "city", "provider", "supplier")


@pytest.fixture(autouse=True)
def _keep_test_transaction(db):
    # The WSGI handler closes "old" connections at the end of each request, which would close the test's
    # own transaction; Django's test client disconnects the same handler for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db) -> dict[str, str | None]:
    """A bearer token per persona, and a few rows with small ids so that generated ids sometimes hit."""
    memberships = {
        "office": member(org_type=Role.OFFICE, region=None, username="fuzz-office"),
        "city": member(org_type=Role.CITY, region="510100", username="fuzz-city"),
        "provider": member(org_type=Role.PROVIDER, region="510100", username="fuzz-provider"),
        "supplier": member(org_type=Role.SUPPLIER, region="510100", username="fuzz-supplier"),
    }
    owner = memberships["provider"].organisation
    for status in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
        ScenarioFactory(owner=owner, status=status)
    out: dict[str, str | None] = {"anonymous": None}
    for name, membership in memberships.items():
        raw = f"fuzz-token-{name}-0123456789abcdef"
        ApiToken.objects.create(
            user=membership.user,
            membership=membership,
            name="fuzz",
            prefix=raw[:8],
            key_hash=ApiToken.hash_key(raw),
        )
        out[name] = raw
    return out


# Loaded at collection, from the app itself: the document needs no database, and the operations it lists
# become the test's parameters.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@schema.given(persona=st.sampled_from(PERSONAS))
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_contract(case, persona, tokens):
    token = tokens[persona]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
