"""Fill a database with many scenarios, fast, for the catalogue benchmark.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python benchmarks/generate_scenarios.py -n 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scen_bench .venv/bin/python benchmarks/generate_scenarios.py

Runs the migrations (which load the reference data), creates the demo corpus' organisations plus a few
hundred branch offices as owners, then bulk-inserts scenarios in batches. Texts are recombined from the
demo corpus: each scenario takes the title of a corpus scenario of the same field (often prefixed with a
county) and two to four sentences of purpose and of requirements from that field's pool, so keyword
searches hit a realistic share of rows. Statuses are mixed, mostly released. This bypasses the services
on purpose (no transitions, no audit rows): it is load for reads, not demo data.
"""

import argparse
import datetime as dt
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scenariohub.settings")

# Status mix of a programme two years in: most scenarios released, a tail in review or closed.
STATUS_WEIGHTS = {
    "published": 56,
    "matching": 6,
    "agreed": 3,
    "implementing": 2,
    "piloted": 1,
    "benchmark": 1,
    "draft": 10,
    "submitted": 7,
    "approved": 5,
    "withdrawn": 4,
    "closed": 5,
}
RELEASED = {"published", "matching", "agreed", "implementing", "piloted", "benchmark"}
START = dt.datetime(2025, 1, 2, 9, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SENTENCE = re.compile(r"(?<=[。；！？])")


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = {
        "host": cfg["HOST"] or None,
        "port": cfg["PORT"] or None,
        "user": cfg["USER"] or None,
        "password": cfg["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"created database {cfg['NAME']}")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.split(text or "") if len(s.strip()) > 4]


def build_pools(rows: list[dict]) -> dict[str, dict[str, list]]:
    """Per field: the corpus titles, purpose sentences, requirement sentences and whole rows."""
    pools: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        pool = pools[row["field"]]
        pool["rows"].append(row)
        pool["purpose"].extend(sentences(row["purpose"]))
        pool["tech"].extend(sentences(row["tech_requirements"]))
    return pools


def owners(orgs_by_type: dict, counties: dict[str, list[str]], rng: random.Random) -> list:
    """The organisations that open scenarios, weighted as in the demo: mostly providers."""
    from scenariohub.accounts.models import Organisation, Role

    branches = []
    providers = orgs_by_type[Role.PROVIDER]
    for org in providers:
        for county in rng.sample(
            counties.get(org.region_id) or ["市辖区"], k=min(6, len(counties.get(org.region_id) or [1]))
        ):
            branches.append(
                Organisation(
                    name=f"{org.name}（{county}分公司）"[:120], type=Role.PROVIDER, region_id=org.region_id
                )
            )
    Organisation.objects.bulk_create(branches, ignore_conflicts=True)
    providers = list(Organisation.objects.filter(type=Role.PROVIDER))
    return providers * 6 + orgs_by_type[Role.CITY] * 2 + orgs_by_type[Role.DEPARTMENT]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--scenarios", type=int, default=100_000, help="how many scenarios (default 100000)"
    )
    parser.add_argument("--batch", type=int, default=2000, help="rows per INSERT batch (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--append", action="store_true", help="add to a database that has scenarios already")
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="leave the planner without statistics (SQLite: no ANALYZE; PostgreSQL: no VACUUM ANALYZE)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from scenariohub.accounts.models import Organisation, Role
    from scenariohub.reference import selectors as ref
    from scenariohub.scenarios import demo_corpus
    from scenariohub.scenarios.demo_corpus_data import REGIONS
    from scenariohub.scenarios.models import Scenario

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    existing = Scenario.objects.count()
    if existing and not args.append:
        sys.exit(
            f"{connection.vendor} database has {existing} scenarios already: use a fresh database or --append."
        )

    rng = random.Random(args.seed)
    orgs = demo_corpus.build_organisations(seed=args.seed)
    specs = [(orgs["office"]["name"], Role.OFFICE, None)]
    specs += [(c["name"], Role.CITY, c["region"]) for c in orgs["cities"]]
    specs += [(d["name"], Role.DEPARTMENT, None) for d in orgs["departments"]]
    specs += [(p["name"], Role.PROVIDER, p["region"]) for p in orgs["providers"]]
    specs += [(s["name"], Role.SUPPLIER, s["region"]) for s in orgs["suppliers"]]
    Organisation.objects.bulk_create(
        [Organisation(name=name, type=kind, region_id=region) for name, kind, region in specs],
        ignore_conflicts=True,
    )
    by_type = defaultdict(list)
    for org in Organisation.objects.all():
        by_type[org.type].append(org)
    counties = {code: info[3] for code, info in REGIONS.items()}
    owner_pool = owners(by_type, counties, rng)
    regions = list(ref.region_names())

    corpus = demo_corpus.generate_scenarios(n=3000, seed=args.seed, organisations=orgs)
    pools = build_pools(corpus)
    fields = list(pools)
    print(
        f"{connection.vendor}: {len(owner_pool)} owner slots, {len(corpus)} corpus scenarios over {len(fields)} fields"
        f" ({time.monotonic() - started:.1f} s)"
    )

    # The rows are history, not edits: keep the generated timestamps instead of "now".
    for name in ("created_at", "updated_at"):
        f = Scenario._meta.get_field(name)
        f.auto_now = f.auto_now_add = False

    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    span = (END - START).total_seconds()
    counts: Counter = Counter()
    batch: list[Scenario] = []
    t0 = time.monotonic()
    for i in range(1, args.scenarios + 1):
        pool = pools[rng.choice(fields)]
        base = rng.choice(pool["rows"])
        owner = rng.choice(owner_pool)
        region = owner.region_id or rng.choice(regions)
        county = rng.choice(counties[region])
        title = base["title"] if rng.random() < 0.4 else f"{county}{base['title']}"
        purpose = "".join(rng.sample(pool["purpose"], k=min(len(pool["purpose"]), rng.randint(2, 4))))
        tech = "".join(rng.sample(pool["tech"], k=min(len(pool["tech"]), rng.randint(2, 4))))
        status = rng.choices(statuses, weights)[0]
        created = START + dt.timedelta(seconds=rng.uniform(0, span * 0.97))
        submitted = approved = published = None
        if status not in ("draft",):
            submitted = created + dt.timedelta(days=rng.uniform(0.5, 10))
        if (
            status in RELEASED
            or status == "approved"
            or (status in ("withdrawn", "closed") and rng.random() < 0.6)
        ):
            approved = submitted + dt.timedelta(days=rng.uniform(0.5, 15))
        if status in RELEASED or (status in ("withdrawn", "closed") and approved and rng.random() < 0.7):
            published = approved + dt.timedelta(days=rng.uniform(1, 30))
        last = published or approved or submitted or created
        budget_min, budget_max = base.get("budget_min"), base.get("budget_max")
        batch.append(
            Scenario(
                title=title[:100],
                owner_id=owner.pk,
                region_id=region,
                sector_id=base["sector"],
                field_id=base["field"],
                kind=base["kind"],
                purpose=purpose[:2000] or base["purpose"],
                tech_requirements=tech[:4000] or base["tech_requirements"],
                cooperation_mode=base["cooperation_mode"],
                cooperation_note=(base.get("cooperation_note") or "")[:300],
                budget_min=budget_min,
                budget_max=budget_max,
                deadline=(last + dt.timedelta(days=rng.randint(20, 120))).date(),
                contact_name=base["contact_name"],
                contact_phone=base["contact_phone"],
                contact_email=base.get("contact_email") or "",
                status=status,
                created_at=created,
                updated_at=last,
                submitted_at=submitted,
                approved_at=approved,
                published_at=published,
                published_year=published.year if published else None,
            )
        )
        counts[status] += 1
        if len(batch) >= args.batch or i == args.scenarios:
            with transaction.atomic():
                Scenario.objects.bulk_create(batch)
            batch = []
            rate = i / (time.monotonic() - t0)
            print(f"\r  {i}/{args.scenarios} scenarios ({rate:,.0f}/s)", end="", flush=True)
    print()
    if not args.no_analyze:
        # Plans depend on statistics. PostgreSQL's autovacuum would gather them (and set the visibility map
        # that index-only counts need) within minutes; SQLite never does it by itself.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE scenarios_scenario" if connection.vendor == "postgresql" else "ANALYZE"
            )
    total = Scenario.objects.count()
    print(
        f"{connection.vendor}: {total} scenarios in the database; added {args.scenarios} "
        f"({', '.join(f'{n} {s}' for s, n in counts.most_common())}) in {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
