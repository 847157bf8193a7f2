"""Recommendations end to end at platform scale, both ways, through the API and the selectors behind it.

    DATABASE_URL=sqlite:///var/rec.sqlite3 .venv/bin/python benchmarks/generate_scenarios.py -n 100000
    DATABASE_URL=sqlite:///var/rec.sqlite3 .venv/bin/scenariohub reindex
    DATABASE_URL=sqlite:///var/rec.sqlite3 .venv/bin/python benchmarks/recommend_bench.py [--solutions 20000]

`ai_bench.py` times the engine alone on synthetic texts; this times what a user waits for: the live
indexes loaded from the stored vectors, `GET /api/v1/suppliers/{id}/recommendations` (the supplier's ten
newest solutions and its profile asked in one `search_many`, the candidates read from the database, the
reasons worked out) and `GET /api/v1/scenarios/{id}/recommendations` (solutions for an open scenario),
in-process through Django's test client as the office. Target: p95 ≤ 100 ms each.

Solutions are bulk-inserted (like `generate_scenarios.py`, load for reads, not demo data) from the demo
corpus' solution generator until there are `--solutions` published ones spread over the suppliers, then
embedded by the platform's own `reindex`. Timings are wall and CPU of this process; quote medians and the
p95 of one run.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from scenariohub.accounts.models import Membership, Organisation, Role, User  # noqa: E402
from scenariohub.ai import live, services  # noqa: E402
from scenariohub.ai.models import DocumentVector  # noqa: E402
from scenariohub.matching.models import Solution  # noqa: E402
from scenariohub.scenarios import demo_corpus  # noqa: E402
from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario, Status  # noqa: E402

TARGET_P95_MS = 100.0


def ensure_solutions(n: int, seed: int) -> int:
    """Bulk-insert published solutions of the existing suppliers until there are `n`; returns how many were added."""
    have = Solution.objects.filter(published=True).count()
    if have >= n:
        return 0
    suppliers = list(Organisation.objects.filter(type=Role.SUPPLIER).order_by("pk"))
    if not suppliers:
        raise SystemExit("No supplier organisations: fill the database with generate_scenarios.py first.")
    corpus = {s["name"]: s for s in demo_corpus.build_organisations(seed=2025)["suppliers"]}
    specs = [
        corpus.get(org.name, {"name": org.name, "short": org.name[2:6], "sectors": ["industry"]})
        for org in suppliers
    ]
    by_name = {org.name: org for org in suppliers}
    added, round_ = 0, 0
    rng = random.Random(seed)
    Through = Solution.fields.through
    while have + added < n:
        batch = demo_corpus.generate_solutions(specs, seed=seed + round_)
        rng.shuffle(batch)
        batch = batch[: n - have - added]
        with transaction.atomic():
            rows = Solution.objects.bulk_create(
                [
                    Solution(
                        supplier=by_name[s["supplier"]],
                        title=(s["title"] if not round_ else f"{s['title']}（{round_ + 1}代）")[:100],
                        description=s["description"],
                        sector_id=s["sector"],
                        capabilities="、".join(s["capabilities"]),
                        maturity=s["maturity"],
                        deploy_on_prem="on_prem" in s["deployment"],
                        deploy_cloud="cloud" in s["deployment"],
                        deploy_edge="edge" in s["deployment"],
                        published=True,
                    )
                    for s in batch
                ],
                batch_size=1000,
            )
            Through.objects.bulk_create(
                [
                    Through(solution_id=row.pk, field_id=f)
                    for row, s in zip(rows, batch, strict=True)
                    for f in s["fields"]
                ],
                batch_size=2000,
            )
        added += len(rows)
        round_ += 1
        print(f"  solutions {have + added}/{n}", file=sys.stderr)
    return added


_clients: dict[int, Client] = {}


def client_for(organisation_id: int) -> Client:
    """A logged-in test client of a member of the organisation (a bench user is made where there is none:
    generate_scenarios.py makes organisations, not users). The supplier asks for its own recommendations,
    the owner for its scenario's, as the API allows; the office would need its second factor."""
    if organisation_id not in _clients:
        member = Membership.objects.filter(organisation_id=organisation_id).select_related("user").first()
        if member is None:
            organisation = Organisation.objects.get(pk=organisation_id)
            user = User.objects.create_user(username=f"bench-{organisation_id}", password=None)
            member = Membership.objects.create(user=user, organisation=organisation, role=organisation.type)
        client = Client()
        client.force_login(member.user)
        _clients[organisation_id] = client
    return _clients[organisation_id]


def timed(fn, items) -> dict:
    samples = []
    for item in items:
        t0, c0 = time.perf_counter(), time.process_time()
        fn(item)
        samples.append((1000 * (time.perf_counter() - t0), 1000 * (time.process_time() - c0)))
    wall = sorted(w for w, _ in samples)
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(wall), 1),
        "p95_ms": round(wall[int(0.95 * (len(wall) - 1))], 1),
        "cpu_median_ms": round(statistics.median(c for _, c in samples), 1),
        "target_p95_ms": TARGET_P95_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, default=20_000)
    parser.add_argument("--suppliers", type=int, default=20, help="suppliers asked for (each several times)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per supplier / scenario")
    parser.add_argument("--scenarios", type=int, default=40, help="open scenarios asked for solutions")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    out: dict = {"database": connection.vendor}

    added = ensure_solutions(args.solutions, args.seed)
    t0 = time.perf_counter()
    report = services.reindex(kind=services.SOLUTION)
    out["solutions"] = {
        "published": Solution.objects.filter(published=True).count(),
        "added_now": added,
        "embedded_now": report.embedded,
        "embed_s": round(time.perf_counter() - t0, 1),
    }
    public = Scenario.objects.filter(status__in=PUBLIC_STATUSES).count()
    stored = DocumentVector.objects.filter(kind=services.SCENARIO, embedder=services.embedder_name()).count()
    if stored < public:
        raise SystemExit(f"{stored} of {public} public scenarios indexed: run `scenariohub reindex` first.")
    today = timezone.localdate()
    open_scenarios = Scenario.objects.filter(
        status__in=(Status.PUBLISHED, Status.MATCHING), deadline__gte=today
    )
    out["scenarios"] = {"total": Scenario.objects.count(), "indexed": stored, "open": open_scenarios.count()}

    t0 = time.perf_counter()
    # Loaded here, not by the first request's background refresh (which would answer without them).
    live.holder(services.SCENARIO).refresh()
    live.holder(services.SOLUTION).refresh()
    out["index_load_s"] = round(time.perf_counter() - t0, 1)

    suppliers = list(
        Organisation.objects.filter(type=Role.SUPPLIER, solutions__published=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[: args.suppliers]
    )
    scenario_ids = list(open_scenarios.order_by("-id").values_list("pk", flat=True)[: args.scenarios])

    owners = dict(Scenario.objects.filter(pk__in=scenario_ids).values_list("pk", "owner_id"))

    def get(url: str, organisation_id: int):
        response = client_for(organisation_id).get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.content[:200]!r}")
        return response.json()

    # Warm-up (and what the answers look like), then the timed rounds.
    def for_supplier(pk: int):
        return get(f"/api/v1/suppliers/{pk}/recommendations", pk)

    def for_scenario(pk: int):
        return get(f"/api/v1/scenarios/{pk}/recommendations", owners[pk])

    first = for_supplier(suppliers[0])
    for_scenario(scenario_ids[0])
    with CaptureQueriesContext(connection) as queries:
        for_supplier(suppliers[0])
    out["supplier_recommendations_queries"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        for_scenario(scenario_ids[0])
    out["scenario_recommendations_queries"] = len(queries)
    out["example"] = [
        {"title": item["scenario"]["title"], "score": item["score"], "reasons": item["reasons"]}
        for item in first["items"][:3]
    ]
    for pk in suppliers + scenario_ids:  # log every client in before the clock runs
        client_for(pk if pk in suppliers else owners[pk])
    out["supplier_recommendations"] = timed(for_supplier, suppliers * args.repeat)
    out["scenario_recommendations"] = timed(for_scenario, scenario_ids * args.repeat)
    out["machine"] = {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)}
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
