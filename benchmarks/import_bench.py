"""Excel import end to end for a 5,000-row workbook, beside the floor: openpyxl alone reading the same file.

    .venv/bin/python benchmarks/import_bench.py [--rows 5000] [--repeat 3]

Uses its own database (default `var/bench/import.sqlite3`; set DATABASE_URL for PostgreSQL). Each repeat
uploads the file through the page (`exchange:import-create`, test client, as a provider), which stores it
and queues its check, waits for the check as the page's progress poll would (SCENARIOHUB_TASKS decides
where tasks run: the task runner's thread by default), then confirms it (`exchange:import-confirm`), which
queues the commit writing every row through `scenarios.services.scenario_create_many` in one transaction
(bulk inserts; one `scenario.create` audit record per row through `core.services.audit_record_many`, one
lock of the audit chain head for the batch) — "upload to committed". The floor is
`openpyxl.load_workbook(read_only=True)` iterating every row of the same bytes. Target: < 15 s end to end.

2026-12-03, 5,000 rows, medians of 3 (commit: 32 queries on PostgreSQL, 227 on SQLite, whose parameter limit
splits the inserts): quiet machine (load 0.2) SQLite 3.0 s, PostgreSQL 4.0 s; loaded (load 5) 7.7 s / 7.9 s.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'import.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / "media"))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from scenariohub.accounts.models import Membership, Organisation, Role, User  # noqa: E402
from scenariohub.exchange.columns import COLUMNS, headers  # noqa: E402
from scenariohub.exchange.models import ImportBatch, ImportStatus  # noqa: E402
from scenariohub.reference import selectors as ref  # noqa: E402
from scenariohub.scenarios.models import Scenario  # noqa: E402


def build_workbook(rows: int) -> bytes:
    pairs = list(ref.field_sector().items())
    regions = list(ref.region_names().values())
    wb = Workbook()
    ws = wb.active
    ws.append(headers())
    keys = [c.key for c in COLUMNS]
    for i in range(rows):
        field, sector = pairs[i % len(pairs)]
        row = {
            "title": f"基准导入场景{i:05d}",
            "region": regions[i % len(regions)],
            "sector": sector,
            "field": field,
            "kind": "政府管理类" if i % 5 == 0 else "产业类",
            "purpose": "利用人工智能提升业务效率，" * 8,
            "tech_requirements": "准确率不低于95%，支持本地化部署。" * 6,
            "cooperation_mode": "pilot",
            "cooperation_note": "",
            "budget_min": 10 + i % 90,
            "budget_max": 100 + i % 900,
            "deadline": "2030-06-30",
            "contact_name": "张伟",
            "contact_phone": "13800000000",
            "contact_email": "bench@example.cn",
        }
        ws.append([row.get(k) for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def floor(content: bytes) -> float:
    t0 = time.perf_counter()
    wb = load_workbook(io.BytesIO(content), read_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert n > 1
    return time.perf_counter() - t0


def provider_client() -> Client:
    org, _ = Organisation.objects.get_or_create(
        name="基准导入单位", defaults={"type": Role.PROVIDER, "region_id": "510100"}
    )
    user, _ = User.objects.get_or_create(username="bench-importer")
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Role.PROVIDER})
    client = Client()
    client.force_login(user)
    return client


def wait_for(batch_id: int, statuses: tuple[str, ...], timeout: float = 600) -> ImportBatch:
    """Poll like the page does: tasks may run inline or in the task runner's thread."""
    deadline = time.perf_counter() + timeout
    while True:
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status in statuses or time.perf_counter() > deadline:
            return batch
        time.sleep(0.05)


def end_to_end(client: Client, content: bytes, rows: int) -> tuple[float, float, float]:
    before = Scenario.objects.count()
    t0 = time.perf_counter()
    response = client.post(
        reverse("exchange:import-create"),
        {"file": SimpleUploadedFile("基准.xlsx", content, content_type="application/octet-stream")},
    )
    assert response.status_code == 302, response.status_code
    batch = wait_for(
        ImportBatch.objects.latest("pk").pk, (ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED)
    )
    assert batch.status == ImportStatus.READY, (batch.status, batch.problems[:3])
    t1 = time.perf_counter()
    response = client.post(reverse("exchange:import-confirm", args=[batch.pk]))
    assert response.status_code == 302, response.status_code
    batch = wait_for(batch.pk, (ImportStatus.COMMITTED, ImportStatus.INVALID, ImportStatus.FAILED))
    t2 = time.perf_counter()
    assert batch.status == ImportStatus.COMMITTED and Scenario.objects.count() == before + rows
    return t1 - t0, t2 - t1, t2 - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    content = build_workbook(args.rows)
    print(f"workbook: {args.rows:,} rows, {len(content) / 1024:.0f} KiB")
    client = provider_client()
    floors, checks, commits, totals = [], [], [], []
    for i in range(args.repeat):
        floors.append(floor(content))
        check, commit, total = end_to_end(client, content, args.rows)
        checks.append(check)
        commits.append(commit)
        totals.append(total)
        print(
            f"  run {i + 1}: floor {floors[-1]:.2f} s   upload+check {check:.2f} s   confirm+commit {commit:.2f} s"
            f"   end to end {total:.2f} s",
            flush=True,
        )
    f, t = statistics.median(floors), statistics.median(totals)
    print(f"openpyxl read (floor)   median {f:6.2f} s")
    print(f"upload + check          median {statistics.median(checks):6.2f} s")
    print(f"confirm + commit        median {statistics.median(commits):6.2f} s")
    print(f"end to end              median {t:6.2f} s   = {t / f:.1f} × the floor   (target < 15 s)")


if __name__ == "__main__":
    main()
