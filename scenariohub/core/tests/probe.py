"""Calling a route as a persona, and telling whether it worked and whether it changed the database.

Success is defined once, here. A call *succeeded* when it answered 2xx, or redirected (3xx) anywhere
but to a login page. A write *took effect* when any row of any table differs afterwards (the tables a
request may legitimately touch while refusing, the session and the audit trail, excepted). Rows are
compared by snapshot: the first INSERT/UPDATE/DELETE a request sends to a table makes the watcher copy
that table before the statement runs, and after the request the copy is compared with the table, so a
write rolled back by its transaction counts as no change, and a write to a table nobody thought of is
still caught.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import Resolver404, resolve


def bookkeeping_tables() -> set[str]:
    """Written while refusing, by design: the session (messages, CSRF) and the audit trail of the refusal
    (every table of the core app's audit models: the log and whatever keeps its hash chain)."""
    from django.apps import apps

    audit = {
        m._meta.db_table for m in apps.get_app_config("core").get_models() if m.__name__.startswith("Audit")
    }
    return {"django_session", *audit}


_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


# Where a refused visitor is sent: to log in, or to complete the second factor or a password change first.
DENIAL_VIEWS = {"accounts:login", "admin:login", "authn:verify", "authn:enrol", "authn:password-expired"}


def is_denial_redirect(location: str) -> bool:
    path = urlsplit(location).path
    if path.startswith((resolve_url(settings.LOGIN_URL), "/admin/login/")):
        return True
    try:
        return resolve(path).view_name in DENIAL_VIEWS
    except Resolver404:
        return False


def succeeded(response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    if 300 <= response.status_code < 400:
        return not is_denial_redirect(response.headers.get("Location", ""))
    return False


def _snapshot(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name from the SQL seen
        return sorted(map(repr, cursor.fetchall()))


@dataclass
class WriteWatcher:
    """`with WriteWatcher() as w: ...; w.changed_tables()` lists the tables whose rows differ afterwards."""

    ignore: set[str] = field(default_factory=bookkeeping_tables)
    before: dict[str, list] = field(default_factory=dict)
    _busy: bool = False

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match and not self._busy:
            table = match.group(1)
            if table not in self.ignore and table not in self.before:
                self._busy = True
                try:
                    self.before[table] = _snapshot(table)
                finally:
                    self._busy = False
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)
        return False

    def changed_tables(self) -> list[str]:
        return sorted(t for t, rows in self.before.items() if _snapshot(t) != rows)


def client_for(membership) -> Client:
    """The personas' logged-in client (conftest's, which also passes the office's second factor); a
    server error is answered as a 500, to be reported with the others rather than stop the run."""
    from scenariohub.conftest import client_for as persona_client

    client = persona_client(membership) if membership is not None else Client()
    client.raise_request_exception = False
    return client


def call(client: Client, method: str, url: str, data=None, *, api: bool):
    """One request as a browser (form data) or an API client (JSON)."""
    if api and method == "POST" and data and any(hasattr(v, "read") for v in data.values()):
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        return client.post(url, data)  # an upload: multipart, as the API documents it
    if api:
        body = "" if data is None else json.dumps(data)
        return client.generic(method, url, data=body, content_type="application/json")
    if method == "GET":
        return client.get(url)
    payload = {}
    for key, value in (data or {}).items():
        if hasattr(value, "seek"):
            value.seek(0)  # the same upload is posted by every persona
        payload[key] = value
    return client.generic(method, url) if method != "POST" else client.post(url, payload)


def body_text(response) -> str:
    """What a reader of the answer sees: the text of a page or JSON, or every cell of an .xlsx."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
        )
    return raw.decode("utf-8", errors="replace")
