"""Targets dashboard latency for a year with 100,000 released scenarios (target: p95 < 300 ms).

    .venv/bin/python benchmarks/dashboard_bench.py [--scenarios 100000] [--runs 30] [--gunicorn] [--regenerate]

Uses its own database (default `var/bench/dashboard.sqlite3`; set DATABASE_URL for PostgreSQL), migrates it,
and fills it once with bulk_create: N scenarios first released in 2025 (spread over the year, every region,
sector, field and kind, some withdrawn since), 20% as many in 2024, and their history rows (submitted,
approved, published; a share moving on to matching → benchmark). Then it times, warm:

  selector   `dashboard.selectors.targets_overview(year=2025)` (the queries and the Python folding)
  page       GET /dashboard/?year=2025 as the office, through Django's test client (the whole stack)
  api        GET /api/v1/stats/targets?year=2025 through the test client
  gunicorn   (with --gunicorn) both URLs over HTTP against `gunicorn -w 2` with benchmarks.bench_settings

and prints median / p95 / max in milliseconds, with the number of queries per call.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'dashboard.sqlite3'}")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scenariohub.accounts.models import Membership, Organisation, Role, User  # noqa: E402
from scenariohub.dashboard.selectors import targets_overview  # noqa: E402
from scenariohub.reference import selectors as ref  # noqa: E402
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status  # noqa: E402

YEAR = 2025
TZ = ZoneInfo("Asia/Shanghai")
LATER = [Status.MATCHING, Status.AGREED, Status.IMPLEMENTING, Status.PILOTED, Status.BENCHMARK]
# Share of a year's scenarios reaching each later stage.
REACH = {
    Status.MATCHING: 0.30,
    Status.AGREED: 0.10,
    Status.IMPLEMENTING: 0.05,
    Status.PILOTED: 0.02,
    Status.BENCHMARK: 0.004,
}
BATCH = 5_000


def generate(n: int, seed: int = 2025) -> None:
    rng = random.Random(seed)
    regions = list(ref.region_names())
    pairs = list(ref.field_sector().items())
    owners = []
    for code in regions:
        org, _ = Organisation.objects.get_or_create(
            name=f"基准测试单位{code}", defaults={"type": Role.PROVIDER, "region_id": code}
        )
        owners.append(org)
    year_counts = {YEAR: n, YEAR - 1: n // 5}
    started = time.perf_counter()
    for year, count in year_counts.items():
        start = dt.datetime(year, 1, 1, tzinfo=TZ)
        seconds = int((dt.datetime(year + 1, 1, 1, tzinfo=TZ) - start).total_seconds())
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            rows, stamps = [], []
            for _ in range(size):
                field, sector = rng.choice(pairs)
                owner = rng.choice(owners)
                at = start + dt.timedelta(seconds=rng.randrange(seconds))
                stamps.append(at)
                rows.append(
                    Scenario(
                        title=f"基准场景{year}-{offset}",
                        owner=owner,
                        region_id=owner.region_id,
                        sector_id=sector,
                        field_id=field,
                        kind=rng.choice(["industrial", "industrial", "industrial", "government"]),
                        purpose="基准测试用途",
                        tech_requirements="基准测试技术要求",
                        cooperation_mode="pilot",
                        contact_name="张伟",
                        contact_phone="13800000000",
                        published_at=at,
                        published_year=at.astimezone(TZ).year,
                        status=Status.WITHDRAWN if rng.random() < 0.03 else Status.PUBLISHED,
                    )
                )
            with transaction.atomic():
                made = Scenario.objects.bulk_create(rows, batch_size=1000)
                history = []
                for scenario, at in zip(made, stamps, strict=True):
                    history += [
                        ScenarioTransition(
                            scenario=scenario,
                            action="submit",
                            from_status="draft",
                            to_status="submitted",
                            created_at=at - dt.timedelta(days=20),
                        ),
                        ScenarioTransition(
                            scenario=scenario,
                            action="approve",
                            from_status="submitted",
                            to_status="approved",
                            created_at=at - dt.timedelta(days=10),
                        ),
                        ScenarioTransition(
                            scenario=scenario,
                            action="publish",
                            from_status="approved",
                            to_status="published",
                            created_at=at,
                        ),
                    ]
                    previous, moment, reached = Status.PUBLISHED, at, 1.0
                    for stage in LATER:
                        # Moving on from the previous stage with the conditional probability of this one.
                        if rng.random() >= REACH[stage] / reached:
                            break
                        reached = REACH[stage]
                        moment = moment + dt.timedelta(days=rng.randrange(1, 30))
                        history.append(
                            ScenarioTransition(
                                scenario=scenario,
                                action="bench",
                                from_status=previous,
                                to_status=stage,
                                created_at=moment,
                            )
                        )
                        previous = stage
                ScenarioTransition.objects.bulk_create(history, batch_size=2000)
            print(
                f"  {year}: {offset + size:>7,} scenarios ({time.perf_counter() - started:.0f} s)", flush=True
            )


def timed(fn, runs: int) -> tuple[list[float], int]:
    fn()  # warm: imports, template loading, first-touch caches
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples, queries


def report(name: str, samples: list[float], queries: int | None = None) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    q = f"  queries {queries}" if queries is not None else ""
    print(
        f"{name:<22} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   max {samples[-1]:7.1f} ms"
        f"   (n={len(samples)}){q}"
    )


def office_client() -> Client:
    org, _ = Organisation.objects.get_or_create(name="基准测试链长办", defaults={"type": Role.OFFICE})
    user, _ = User.objects.get_or_create(username="bench-office")
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Role.OFFICE})
    client = Client()
    client.force_login(user)
    return client


def over_http(base: str, path: str, cookie: str, runs: int) -> list[float]:
    def fetch():
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200, response.status
            response.read()

    fetch()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fetch()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--gunicorn", action="store_true")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    call_command("migrate", verbosity=0)
    have = Scenario.objects.filter(published_year=YEAR).count()
    if args.regenerate or have != args.scenarios:
        print(f"generating {args.scenarios:,} scenarios for {YEAR} (found {have:,}) …")
        ScenarioTransition.objects.all().delete()
        Scenario.objects.all().delete()
        generate(args.scenarios)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    overview = targets_overview(year=YEAR)
    print(
        "figures:",
        {t.code: t.actual for t in overview.targets},
        "funnel:",
        [s.count for s in overview.funnel],
    )

    samples, queries = timed(lambda: targets_overview(year=YEAR, fresh=True), args.runs)
    report("selector, recounted", samples, queries)
    samples, queries = timed(lambda: targets_overview(year=YEAR), args.runs)
    report("selector, cached", samples, queries)
    client = office_client()

    def page():
        response = client.get("/dashboard/", {"year": YEAR})
        assert response.status_code == 200, response.status_code

    def api():
        response = client.get("/api/v1/stats/targets", {"year": YEAR})
        assert response.status_code == 200, response.status_code

    samples, queries = timed(page, args.runs)
    report("page (test client)", samples, queries)
    samples, queries = timed(api, args.runs)
    report("api (test client)", samples, queries)

    if args.gunicorn:
        port = args.port or free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "scenariohub.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            cookie = f"sessionid={client.cookies['sessionid'].value}"
            report("page (gunicorn)", over_http(base, f"/dashboard/?year={YEAR}", cookie, args.runs))
            report("api (gunicorn)", over_http(base, f"/api/v1/stats/targets?year={YEAR}", "", args.runs))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
