"""Latency of the catalogue and the scenario API under gunicorn, against a bare page in the same run.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python benchmarks/catalogue_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scen_bench .venv/bin/python benchmarks/catalogue_bench.py

Starts gunicorn (2 sync workers, `scenariohub.wsgi`, settings `benchmarks.bench_settings`) on 127.0.0.1 with
a port the kernel picks, waits for /healthz, warms every URL up, then sends a bounded number of requests
per URL from a few client threads (one connection per request, as gunicorn's sync workers close them) and
prints median and p95 latency, each as a multiple of the bare page's. Before that it renders each URL once
in this process to report the number of SQL queries and, with --explain, the plan of the slowest one.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SETTINGS = "benchmarks.bench_settings"

URLS = [
    ("bare page", "/bench/bare"),
    ("catalogue, first page", "/scenarios/"),
    ("API: sector + keyword", "/api/v1/scenarios?sector=manufacturing&q=" + quote("检测")),
]
TARGET_P95_MS = 150.0


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, int, float]:
    """One GET on a fresh connection: (status, body bytes, seconds until the body is read)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "zh-hans"})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, len(body), time.perf_counter() - start
    finally:
        conn.close()


def start_gunicorn(workers: int, env: dict) -> tuple[subprocess.Popen, int]:
    # Bind here and hand the listening socket over: the port is known and nobody can take it meanwhile.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "scenariohub.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"fd://{sock.fileno()}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    proc = subprocess.Popen(cmd, env=env, pass_fds=[sock.fileno()], cwd=ROOT)
    sock.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}")
        try:
            if get(port, "/healthz", timeout=2)[0] == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def wait_available(port: int, path: str, wait: float) -> int:
    """Poll a URL that may not exist yet (the API is written alongside); its last status."""
    deadline = time.monotonic() + wait
    while True:
        status = get(port, path)[0]
        if status == 200 or time.monotonic() >= deadline:
            return status
        time.sleep(5)


def measure(port: int, path: str, requests: int, concurrency: int) -> tuple[list[float], int, float]:
    """`requests` GETs from `concurrency` threads: latencies (ms), failures, wall time (s)."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def one(_):
        nonlocal failures
        try:
            status, _size, seconds = get(port, path)
        except OSError:
            status, seconds = 0, 0.0
        with lock:
            if status == 200:
                latencies.append(seconds * 1000)
            else:
                failures += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    return latencies, failures, time.perf_counter() - start


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (Linux /proc); vanished ones are left out."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings; a process that started in between counts from zero."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def database_backends() -> list[int]:
    """PostgreSQL server processes serving this database (the workers' persistent connections)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


def profile_in_process(paths: list[str], explain: bool) -> dict[str, tuple[int, float]]:
    """Render each URL once here: (number of queries, ms spent in SQL); print plans with --explain."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    out = {}
    for path in paths:
        client.get(path)  # caches warm, as in the server after warm-up
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        out[path] = (len(ctx.captured_queries), sql_ms)
        if explain and response.status_code == 200 and ctx.captured_queries:
            slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
            print(
                f"\n-- {path}: slowest of {len(ctx.captured_queries)} queries ({float(slowest['time']) * 1000:.1f} ms)"
            )
            print(slowest["sql"])
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
            with connection.cursor() as cursor:
                cursor.execute(prefix + slowest["sql"])
                for row in cursor.fetchall():
                    print("   ", " | ".join(str(c) for c in row))
    return out


def planner_statistics() -> str:
    """Whether the planner has statistics for the scenario table (they change the plans a lot)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return "no ANALYZE statistics"
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'scenarios_scenario'")
            return "ANALYZE statistics" if cursor.fetchone()[0] else "no ANALYZE statistics"
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(last_vacuum, last_autovacuum) IS NOT NULL, "
                "coalesce(last_analyze, last_autoanalyze) IS NOT NULL "
                "FROM pg_stat_user_tables WHERE relname = 'scenarios_scenario'"
            )
            vacuumed, analyzed = cursor.fetchone() or (False, False)
            return f"{'vacuumed' if vacuumed else 'never vacuumed'}, {'analyzed' if analyzed else 'never analyzed'}"
    return ""


def pct(data: list[float], q: int) -> float:
    return (
        statistics.quantiles(data, n=100, method="inclusive")[q - 1] if len(data) > 1 else (data or [0.0])[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="measured requests per URL (default 300)")
    parser.add_argument(
        "--warmup", type=int, default=30, help="unmeasured requests per URL first (default 30)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=2, help="client threads (default 2, one per worker)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--wait-api",
        type=float,
        default=0,
        metavar="SECONDS",
        help="poll this long for URLs that answer 404 (the API may still be being written)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the slowest query of each URL and its plan"
    )
    parser.add_argument(
        "--proposed",
        action="store_true",
        help="apply benchmarks/proposed.py first (adds an index to this database)",
    )
    args = parser.parse_args()

    # Workers keep their database connection for the whole run, so its server process can be measured.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(ROOT),
        "DB_CONN_MAX_AGE": "3600",
    }
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if args.proposed:
        env["BENCH_PROPOSED"] = os.environ["BENCH_PROPOSED"] = "1"
        import django

        django.setup()
        from benchmarks import proposed

        proposed.patch_selectors()
        for name in proposed.create_indexes():
            print(f"created index {name}")
    queries = profile_in_process([p for _, p in URLS], args.explain)
    from django.db import connection

    from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario

    total = Scenario.objects.count()
    public = Scenario.objects.filter(status__in=PUBLIC_STATUSES).count()
    vendor = connection.vendor
    maintenance = planner_statistics()
    connection.close()

    load_before = os.getloadavg()[0]
    proc, port = start_gunicorn(args.workers, env)
    rows = []
    try:
        for label, path in URLS:
            status = wait_available(port, path, args.wait_api)
            if status != 200:
                rows.append((label, path, None, f"HTTP {status}"))
                continue
            measure(port, path, args.warmup, args.concurrency)
            # CPU time is what a request costs whatever else the machine is doing; latency is not.
            app0 = cpu_seconds([proc.pid, *children(proc.pid)])
            db0 = cpu_seconds(database_backends())
            latencies, failures, wall = measure(port, path, args.requests, args.concurrency)
            app_cpu = cpu_used(app0, cpu_seconds([proc.pid, *children(proc.pid)])) * 1000 / args.requests
            db_cpu = cpu_used(db0, cpu_seconds(database_backends())) * 1000 / args.requests if db0 else None
            rows.append((label, path, (latencies, failures, wall, app_cpu, db_cpu), ""))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load_after = os.getloadavg()[0]

    print(
        f"\n{vendor} ({maintenance}; {'proposed changes' if args.proposed else 'as is'}): "
        f"{total:,} scenarios ({public:,} public); gunicorn {args.workers} workers, "
        f"{args.concurrency} client threads, {args.requests} requests per URL after {args.warmup} warm-up; "
        f"{os.cpu_count()} CPUs, load {load_before:.1f} → {load_after:.1f}"
    )
    bare = rows[0][2][0] if rows[0][2] else None
    bare_med, bare_p95 = (statistics.median(bare), pct(bare, 95)) if bare else (None, None)
    header = (
        f"{'URL':<22} {'median ms':>9} {'p95 ms':>7} {'× bare med/p95':>15} {'req/s':>6} {'queries':>7} "
        f"{'app CPU':>8} {'DB CPU':>7}  target"
    )
    print(header)
    print("-" * len(header))
    for label, path, result, note in rows:
        if result is None:
            print(f"{label:<22} {note:>9}")
            continue
        latencies, failures, wall, app_cpu, db_cpu = result
        med, p95 = statistics.median(latencies), pct(latencies, 95)
        ratio = f"{med / bare_med:.1f} / {p95 / bare_p95:.1f}" if bare else "-"
        if path == URLS[0][1]:
            verdict = ""
        else:
            verdict = "ok" if p95 < TARGET_P95_MS else f"MISSED (p95 ≥ {TARGET_P95_MS:.0f})"
        fail = f"  {failures} failed" if failures else ""
        db = f"{db_cpu:7.1f}" if db_cpu is not None else f"{'(in app)':>7}"
        print(
            f"{label:<22} {med:>9.1f} {p95:>7.1f} {ratio:>15} {len(latencies) / wall:>6.0f} "
            f"{queries.get(path, (0, 0))[0]:>7} {app_cpu:>8.1f} {db}  {verdict}{fail}"
        )
    print("CPU columns: ms of CPU per request in the gunicorn processes and in the PostgreSQL backends.")
    for label, path, *_ in rows:
        print(f"  {label}: {path}")


if __name__ == "__main__":
    main()
