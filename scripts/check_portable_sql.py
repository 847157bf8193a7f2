#!/usr/bin/env python3
"""Fail when the code uses something only PostgreSQL has, outside a path marked optional.

ScenarioHub must keep running on SQLite and on PostgreSQL-compatible domestic databases (KingbaseES,
openGauss), which follow PostgreSQL's dialect only in part. So the ORM's portable core is the rule, and
whatever is PostgreSQL-only lives in a file that says it is optional (the first 10 lines carry
`portability: postgresql-optional`, and the code must have a portable path beside it), or on a line
that says why it is fine (`portability: ok <reason>`).

    python scripts/check_portable_sql.py [PATH ...]     (default: scenariohub/)
Exit status 1 and one line per finding (path:line: what) when anything is found.
"""

import re
import sys
from pathlib import Path

FILE_MARKER = "portability: postgresql-optional"
LINE_MARKER = "portability: ok"

# Everything django.contrib.postgres offers (ArrayField, HStoreField, SearchVector, ArrayAgg, GinIndex, …)
# has to be imported from it, so the import is what is looked for; a local class of the same name is fine.
IMPORTS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"django\.contrib\.postgres|from\s+django\.contrib\s+import\s+.*\bpostgres\b"),
        "django.contrib.postgres (fields, indexes, search, aggregates)",
    ),
    (re.compile(r"\.distinct\(\s*['\"A-Za-z_*]"), "distinct(fields), which is DISTINCT ON"),
]
# Raw SQL: looked for only on lines that read as SQL (an upper-case keyword or a raw-SQL call), so prose
# that mentions jsonb in a docstring is not a finding.
SQLISH = re.compile(
    r"\b(SELECT|FROM|WHERE|JOIN|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|GROUP BY|ORDER BY|RETURNING)\b"
    r"|\b(execute|executemany|raw|RawSQL|RunSQL|extra)\s*\("
)
SQL: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?i)\bDISTINCT\s+ON\b"), "DISTINCT ON"),
    (re.compile(r"(?i)\bILIKE\b"), "ILIKE"),
    (re.compile(r"(?i)\bjsonb\b|->>|#>>|@>|<@|\?\|"), "a JSONB type or operator"),
    (re.compile(r"\w::[a-z_]+"), "a ::type cast"),
    (
        re.compile(r"(?i)\bON\s+CONFLICT\b|\bRETURNING\b|\bLATERAL\b|\bILIKE\b|\bSIMILAR\s+TO\b"),
        "a PostgreSQL-only clause",
    ),
    (
        re.compile(
            r"(?i)\b(to_tsvector|to_tsquery|plainto_tsquery|array_agg|string_agg|generate_series|"
            r"pg_advisory_x?act_lock|pg_advisory_lock|pg_try_advisory_lock|regexp_replace|unnest)\s*\("
        ),
        "a PostgreSQL-only SQL function",
    ),
]


def findings_in(text: str, path: str = "<text>") -> list[str]:
    head = "\n".join(text.splitlines()[:10])
    if FILE_MARKER in head:
        return []
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if LINE_MARKER in line:
            continue
        rules = IMPORTS + (SQL if SQLISH.search(line) else [])
        for pattern, what in rules:
            if pattern.search(line):
                out.append(f"{path}:{number}: {what}: {line.strip()[:120]}")
                break
    return out


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent.parent
    roots = [Path(a) for a in argv] or [here / "scenariohub"]
    found: list[str] = []
    checked = 0
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            if "tests" in path.parts and path.name == "test_portability.py":
                continue  # its samples are findings on purpose
            checked += 1
            found += findings_in(
                path.read_text(encoding="utf-8"),
                str(path.relative_to(here) if path.is_relative_to(here) else path),
            )
    for line in found:
        print(line)
    print(f"check_portable_sql: {checked} files, {len(found)} PostgreSQL-only uses outside optional paths")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
