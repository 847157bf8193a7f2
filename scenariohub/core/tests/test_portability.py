"""The code uses nothing only PostgreSQL has outside optional paths (scripts/check_portable_sql.py), so
KingbaseES, openGauss and SQLite stay possible. The checker is also run by `make lint`."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_portable_sql.py"


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_portable_sql", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "line",
    [
        "from django.contrib.postgres.fields import ArrayField",
        "from django.contrib.postgres.search import SearchVector, SearchQuery",
        "from django.contrib import postgres",
        "qs = Scenario.objects.order_by('owner', '-id').distinct('owner')",
        'cursor.execute("SELECT DISTINCT ON (owner_id) id FROM scenarios_scenario")',
        'cursor.execute("SELECT id FROM scenarios_scenario WHERE title ILIKE %s", [q])',
        "rows = Scenario.objects.raw(\"SELECT id, data->>'name' FROM x\")",
        'cursor.execute("SELECT created_at::date FROM core_auditrecord")',
        'cursor.execute("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING")',
        'cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])',
        "migrations.RunSQL(\"CREATE INDEX i ON t USING gin (to_tsvector('simple', title))\")",
    ],
)
def test_postgresql_only_uses_are_found(checker, line):
    assert checker.findings_in(f"x = 1\n{line}\n", "sample.py") != []


@pytest.mark.parametrize(
    "text",
    [
        "qs = Scenario.objects.filter(title__icontains=q).distinct()\n",
        '"""PostgreSQL\'s jsonb turns 1e16 into 10000000000000000."""\n',
        "class SearchRank(Func):  # our own, portable\n",
        'ALLOWED = ["127.0.0.1", "[::1]"]\n',
        'cursor.execute("SELECT COUNT(*) FROM scenarios_scenario WHERE id = %s", [pk])\n',
        'cursor.execute("SELECT pg_advisory_xact_lock(%s)", [k])  # portability: ok - inside a vendor branch\n',
        "# portability: postgresql-optional\nfrom django.contrib.postgres.search import SearchVector\n",
    ],
)
def test_portable_code_and_marked_optional_paths_pass(checker, text):
    assert checker.findings_in(text, "sample.py") == []


def test_the_code_base_has_no_postgresql_only_use(checker, capsys):
    assert checker.main([]) == 0, capsys.readouterr().out
