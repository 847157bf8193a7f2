"""Demo data: a realistic, reproducible province for `scenariohub seed_demo` and `make run`.

Organisations and users are plain rows (bulk-created; the one demo password is hashed once). Scenarios
are not: each one is created and moved through its life by the real services
(`scenario_create`, `scenario_transition(now=...)`), so its ScenarioTransition and AuditLog rows are the
ones a real user would have left. Only the clocks are a seeding concern: the services stamp
`created_at`/`updated_at` and audit rows with the real time, so afterwards they are set back to the
historic times at which the steps were taken.

Demo users are recognised by their e-mail domain, which is how `demo_reset` finds exactly what
`demo_seed` made and nothing else.
"""

import datetime as dt
import random
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Membership, Organisation, Role, User
from scenariohub.authn.services import password_set_now
from scenariohub.core.audit import recorded_at
from scenariohub.core.errors import DomainError
from scenariohub.core.models import AuditLog
from scenariohub.reference import selectors as ref
from scenariohub.scenarios import demo_corpus, services
from scenariohub.scenarios.lifecycle import PROVINCIAL_OWNER_TYPES
from scenariohub.scenarios.models import Scenario, ScenarioTransition, Status

# One password for every demo account, documented in the README and printed by `demo_logins`.
# It passes the project's validators (length ≥ 10, not common, not numeric, unlike the usernames).
DEMO_PASSWORD = "Demo-2025-scenario"  # noqa: S105 - a published demo credential, never a real one
DEMO_EMAIL_DOMAIN = "demo.scenariohub.invalid"  # RFC 2606: can never reach a real mailbox
ADMIN_USERNAME = "admin"

# The city lead departments log in with the city's name in pinyin.
CITY_LOGINS = {
    "510100": "chengdu",
    "510300": "zigong",
    "510400": "panzhihua",
    "510500": "luzhou",
    "510600": "deyang",
    "510700": "mianyang",
    "510800": "guangyuan",
    "510900": "suining",
    "511000": "neijiang",
    "511100": "leshan",
    "511300": "nanchong",
    "511400": "meishan",
    "511500": "yibin",
    "511600": "guangan",
    "511700": "dazhou",
    "511800": "yaan",
    "511900": "bazhong",
    "512000": "ziyang",
    "513200": "aba",
    "513300": "ganzi",
    "513400": "liangshan",
}
# The first organisation of each type logs in with the type's name; the others add a number.
TYPE_LOGINS = {
    Role.OFFICE: "office",
    Role.DEPARTMENT: "department",
    Role.PROVIDER: "provider",
    Role.SUPPLIER: "supplier",
}

# The stages after the scenarios, in order: each is called with a DemoContext inside the seeding
# transaction and builds its app's objects through that app's services.
STAGES: tuple[str, ...] = ("scenariohub.matching.demo.seed", "scenariohub.tracking.demo.seed")

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
HORIZON_DAYS = 7
# Before the first scenario of the programme: when the organisations joined the platform.
ONBOARDED = dt.datetime(2025, 1, 6, 9, 0, tzinfo=TZ)

WITHDRAW_REASONS = (
    "单位年度预算调整，该场景暂缓实施。",
    "需求已通过其他渠道解决，撤回该场景。",
    "场景边界需重新论证，待条件成熟后再行申报。",
    "牵头实施部门调整，撤回后重新组织材料。",
)
CLOSE_REASONS = (
    "揭榜截止后无合适方案，场景关闭。",
    "申报期满未达成合作意向，场景关闭。",
    "需求方建设条件发生变化，场景关闭。",
)


@dataclass
class SeedResult:
    organisations: Counter = field(default_factory=Counter)  # type -> count
    users: int = 0
    scenarios: Counter = field(default_factory=Counter)  # status -> count
    transitions: int = 0
    audit_records: int = 0
    seconds: float = 0.0
    stages: Counter = field(default_factory=Counter)  # objects made by the later stages, by kind

    def summary(self) -> str:
        orgs = ", ".join(f"{n} {t}" for t, n in sorted(self.organisations.items()))
        states = ", ".join(f"{n} {s}" for s, n in sorted(self.scenarios.items()))
        return (
            f"{sum(self.organisations.values())} organisations ({orgs}), {self.users} users, "
            f"{sum(self.scenarios.values())} scenarios ({states}), {self.transitions} transitions, "
            f"{self.audit_records} audit records"
            + "".join(f", {n} {kind}" for kind, n in self.stages.items())
            + f" in {self.seconds:.1f} s"
        )


@dataclass
class DemoContext:
    """What the later stages of the demo (matching, delivery) are given after the scenarios exist.

    Each stage drives its objects through the real services, like the scenarios, with historic times
    before `now`; `rng(name)` gives every stage its own reproducible random stream.
    """

    seed: int
    now: dt.datetime  # the end of the demo's history (all steps happen before it)
    office: Actor
    cities: dict[str, Actor]  # region code -> the city lead department's login
    actors: dict[str, Actor]  # organisation name -> its demo login
    organisations: dict  # demo_corpus.build_organisations(seed)
    history: dict[int, list["_Step"]]  # scenario id -> the steps that made it
    counts: Counter = field(default_factory=Counter)  # what the stages made, for the summary

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    is_superuser: bool = False


# --- organisations and users -------------------------------------------------------------------------


def _government_credit_code(rng: random.Random, region: str, taken: set[str]) -> str:
    """A valid unified social credit code of a government organ (registrant "11"), not yet used."""
    while True:
        code = demo_corpus.make_credit_code(rng, region, "11")
        if code not in taken:
            taken.add(code)
            return code


def _region_code(value: str | None) -> str | None:
    """The corpus names regions by code; accept a Chinese name too rather than fail on it."""
    if not value:
        return None
    names = ref.region_names()
    if value in names:
        return value
    by_name = {name: code for code, name in names.items()}
    if value in by_name:
        return by_name[value]
    raise ValueError(f"unknown region {value!r}")


def _organisation_specs(orgs: dict, rng: random.Random) -> list[dict]:
    """Flatten the corpus' organisations into rows: name, type, region, credit code, login name."""
    taken = {p["credit_code"] for p in orgs["providers"] + orgs["suppliers"] if p.get("credit_code")}
    specs = [
        {
            "name": orgs["office"]["name"],
            "type": Role.OFFICE,
            "region": None,
            "short": orgs["office"].get("short", ""),
            "credit_code": orgs["office"].get("credit_code") or _government_credit_code(rng, "510000", taken),
            "username": TYPE_LOGINS[Role.OFFICE],
        }
    ]
    for city in orgs["cities"]:
        region = _region_code(city["region"])
        specs.append(
            {
                "name": city["name"],
                "type": Role.CITY,
                "region": region,
                "short": city.get("short", ""),
                "credit_code": city.get("credit_code") or _government_credit_code(rng, region, taken),
                "username": CITY_LOGINS[region],
            }
        )
    for kind, rows in (
        (Role.DEPARTMENT, orgs["departments"]),
        (Role.PROVIDER, orgs["providers"]),
        (Role.SUPPLIER, orgs["suppliers"]),
    ):
        for i, row in enumerate(rows, start=1):
            region = _region_code(row.get("region"))
            code = row.get("credit_code")
            if kind == Role.DEPARTMENT and not code:
                code = _government_credit_code(rng, "510000", taken)
            specs.append(
                {
                    "name": row["name"],
                    "type": kind,
                    "region": region,
                    "short": row.get("short", ""),
                    "credit_code": code,
                    "username": TYPE_LOGINS[kind] if i == 1 else f"{TYPE_LOGINS[kind]}{i:02d}",
                }
            )
    return specs


def _create_organisations_and_users(specs: list[dict]) -> dict[str, Membership]:
    """Bulk-create the organisations, one user each (plus the admin), and their memberships.

    Rows that already exist (same organisation name, same username) are reused, so a seed that stopped
    half-way can be run again. Returns the acting membership of each organisation, by organisation name.
    """
    existing_orgs = {o.name: o for o in Organisation.objects.filter(name__in=[s["name"] for s in specs])}
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=s["name"],
                type=s["type"],
                region_id=s["region"],
                credit_code=s["credit_code"],
                short_name=s["short"][:40],
            )
            for s in specs
            if s["name"] not in existing_orgs
        ]
    )
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[s["name"] for s in specs])}
    Organisation.objects.filter(pk__in=[o.pk for o in orgs.values()]).update(created_at=ONBOARDED)

    # Hashing is deliberately slow (hundreds of ms); every demo user shares the one hash.
    password_hash = make_password(DEMO_PASSWORD)
    office_name = specs[0]["name"]
    people = [(s["username"], s["name"]) for s in specs] + [(ADMIN_USERNAME, office_name)]
    existing_users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in people])}
    strangers = sorted(
        name for name, u in existing_users.items() if not _is_demo_email(u.email)
    )
    if strangers == [ADMIN_USERNAME]:
        people = people[:-1]  # the site has its own admin already: leave it alone
    elif strangers:
        raise DomainError(
            f"Users that are not demo users already have demo usernames: {', '.join(strangers)}."
        )
    new_users = []
    for i, (username, org_name) in enumerate(people):
        if username in existing_users:
            continue
        user = User(
            username=username,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password=password_hash,
            display_name=(
                "系统管理员" if username == ADMIN_USERNAME else orgs[org_name].short_name or org_name
            )[:60],
            is_staff=username == ADMIN_USERNAME,
            is_superuser=username == ADMIN_USERNAME,
            date_joined=ONBOARDED + dt.timedelta(minutes=i),
        )
        validate_password(DEMO_PASSWORD, user)  # cheap; keeps the documented password honest
        new_users.append(user)
    User.objects.bulk_create(new_users)
    users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in people])}
    # They joined in January 2025 (for the history) but get their password now: staff passwords expire
    # 90 days after the last change, so a fresh demo must not start expired.
    password_set_now(users=[users[u.username] for u in new_users])

    have = set(Membership.objects.filter(user__in=users.values()).values_list("user_id", "organisation_id"))
    Membership.objects.bulk_create(
        [
            Membership(user=users[username], organisation=orgs[org_name], role=orgs[org_name].type)
            for username, org_name in people
            if (users[username].pk, orgs[org_name].pk) not in have
        ]
    )
    Membership.objects.filter(user__in=users.values()).update(created_at=ONBOARDED)
    memberships = Membership.objects.filter(user__username__in=[s["username"] for s in specs]).select_related(
        "user", "organisation", "organisation__region"
    )
    return {m.organisation.name: m for m in memberships}


# --- the life of one scenario ------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _at(day: dt.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    """A time in office hours on `day`."""
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=TZ)


def _office_hours(t: dt.datetime) -> dt.datetime:
    """Move a time of day into 09:00–18:00 of the same day, keeping the order of times (and never moving
    a morning time earlier, so a step stays after a creation at 09:00–12:00)."""
    local = t.astimezone(TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = (local - midnight).total_seconds()
    return (midnight + dt.timedelta(hours=9, seconds=seconds * 9 / 24)).replace(microsecond=0)


def _spread(start: dt.datetime, end: dt.datetime, n: int, rng: random.Random) -> list[dt.datetime]:
    """`n` increasing times in office hours between start and end."""
    span = max((end - start).total_seconds(), 60.0 * (n + 1))
    points = sorted(rng.uniform(0.05, 0.95) for _ in range(n))
    out, last = [], start
    for p in points:
        t = _office_hours(max(start + dt.timedelta(seconds=span * p), last + dt.timedelta(minutes=3)))
        out.append(t)
        last = t
    return out


@dataclass
class _Step:
    target: str  # "create" or a Status
    actor: Actor
    when: dt.datetime
    reason: str = ""


def _plan(
    row: dict, owner: Actor, reviewer: Actor, office: Actor, rng: random.Random, now: dt.datetime
) -> list[_Step]:
    """The steps that bring one corpus scenario to its status, with historic times.

    Review steps are placed between creation and release (or a few weeks after creation when there is
    no release), always before the deadline, since a submission with a past deadline is refused.
    """
    status = row["status"]
    created = _date(row["created"])
    deadline = _date(row.get("deadline"))
    published = _date(row.get("published"))
    t0 = _at(created, rng, 9, 12)
    returned = bool(row.get("return_reason"))

    # How far the scenario got before a withdrawal: as far as its dates show it went.
    if status == Status.WITHDRAWN:
        reached = (
            Status.PUBLISHED if published else rng.choice([Status.DRAFT, Status.SUBMITTED, Status.APPROVED])
        )
    elif status == Status.CLOSED:
        reached = Status.PUBLISHED if published else rng.choice([Status.SUBMITTED, Status.APPROVED])
    else:
        reached = status
    order = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED]
    depth = order.index(reached)
    # A returned scenario went back at least once: submit, return, (resubmit if it moved on).
    review = []
    if returned:
        review += [(Status.SUBMITTED, owner, ""), (Status.DRAFT, reviewer, row["return_reason"])]
    review += [
        (s, {Status.SUBMITTED: owner, Status.APPROVED: reviewer}[s], "") for s in order[1 : min(depth, 2) + 1]
    ]

    if depth == 3:
        t_pub = _at(published, rng, 10, 17)
        if t_pub <= t0:  # released on the day it was written: an office clearing a batch in the afternoon
            t_pub = t0 + dt.timedelta(hours=3)
        end = t_pub
    else:
        end = min(t0 + dt.timedelta(days=rng.randint(5, 40)), now)
    if deadline:
        # Submissions must happen before the deadline (the day before, at the latest).
        end = min(end, dt.datetime.combine(deadline, dt.time(0, 0), tzinfo=TZ))
    times = _spread(t0, max(end, t0 + dt.timedelta(hours=2)), len(review), rng)
    steps = [_Step("create", owner, t0)]
    steps += [
        _Step(target, actor, t, reason) for (target, actor, reason), t in zip(review, times, strict=True)
    ]
    last = steps[-1].when
    if depth == 3:
        steps.append(_Step(Status.PUBLISHED, office, max(t_pub, last + dt.timedelta(minutes=30))))
        last = steps[-1].when

    if status == Status.WITHDRAWN:
        # A released scenario is withdrawn while it is still open, before its deadline.
        horizon = (
            dt.datetime.combine(deadline - dt.timedelta(days=1), dt.time(16), tzinfo=TZ) if deadline else None
        )
        when = _at((last + dt.timedelta(days=rng.randint(3, 60))).date(), rng)
        if depth == 3 and horizon and horizon > last + dt.timedelta(hours=1):
            when = min(when, horizon)
        steps.append(_Step(Status.WITHDRAWN, owner, when, rng.choice(WITHDRAW_REASONS)))
    elif status == Status.CLOSED:
        reason = row.get("close_reason") or rng.choice(CLOSE_REASONS)
        # Expired scenarios close after their deadline; the region's city may close its own.
        base = dt.datetime.combine(deadline, dt.time(0), tzinfo=TZ) if deadline and depth == 3 else last
        when = _at((max(base, last) + dt.timedelta(days=rng.randint(1, 20))).date(), rng)
        closer = reviewer if reviewer is not office and rng.random() < 0.5 else office
        steps.append(_Step(Status.CLOSED, closer, when, reason))

    # Nothing happens in the future: squeeze late steps into the time left before now, keeping the order.
    late = [s for s in steps if s.when > now]
    if late:
        first = steps.index(late[0])
        prev = steps[first - 1].when if first else now - dt.timedelta(days=1)
        gap = (now - prev) / (len(late) + 1)
        for i, s in enumerate(late, start=1):
            s.when = (prev + gap * i).replace(microsecond=0)
    return steps


def _scenario_data(row: dict) -> dict:
    return {
        "title": row["title"],
        "region": _region_code(row["region"]),
        "sector": row["sector"],
        "field": row["field"],
        "kind": row["kind"],
        "purpose": row["purpose"],
        "tech_requirements": row["tech_requirements"],
        "cooperation_mode": row["cooperation_mode"],
        "cooperation_note": row.get("cooperation_note") or "",
        "budget_min": row.get("budget_min"),
        "budget_max": row.get("budget_max"),
        "deadline": _date(row.get("deadline")),
        "contact_name": row["contact_name"],
        "contact_phone": row["contact_phone"],
        "contact_email": row.get("contact_email") or "",
    }


# --- entry points --------------------------------------------------------------------------------------


def demo_exists() -> bool:
    return Scenario.objects.exists()


def _is_demo_email(email: str) -> bool:
    return (email or "").lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


def _demo_users() -> Q:
    # E-mails are encrypted at rest, so the database cannot match their domain: decide in Python.
    return Q(pk__in=[pk for pk, email in User.objects.values_list("pk", "email") if _is_demo_email(email)])


@transaction.atomic
def demo_reset() -> dict[str, int]:
    """Delete what `demo_seed` made: demo users, their organisations, those organisations' scenarios
    (with transitions and attachments). Nothing else is touched, the audit trail included: its records cannot
    be deleted (they stay, naming ids that no longer exist; `audit_purge` removes them when they are old)."""
    users = User.objects.filter(_demo_users())
    orgs = Organisation.objects.filter(memberships__user__in=users).distinct()
    org_ids = list(orgs.values_list("pk", flat=True))
    # Later stages first, last one first: their objects hold scenarios and organisations (PROTECT). A
    # stage's module may define `reset(users=, organisation_ids=)` deleting what its `seed` made.
    for stage in reversed(STAGES):
        module = import_module(stage.rpartition(".")[0])
        if hasattr(module, "reset"):
            module.reset(users=users, organisation_ids=org_ids)
    scenarios = Scenario.objects.filter(owner_id__in=org_ids).delete()[0]
    try:
        organisations = Organisation.objects.filter(pk__in=org_ids).delete()[0]
    except ProtectedError as exc:
        raise DomainError(
            f"Demo organisations are still referenced by {len(exc.protected_objects)} other rows; delete those first."
        ) from exc
    return {
        "scenarios": scenarios,
        "organisations": organisations,
        "users": users.delete()[0],
    }


def demo_seed(
    *, scenarios: int = 340, seed: int = 2025, progress: Callable[[int, int], None] | None = None
) -> SeedResult:
    """Build the demo province: organisations, users, and `scenarios` scenarios with their histories."""
    started = time.monotonic()
    # The history ends a week after the corpus' "as of" day (later steps are squeezed before it), not at
    # the real time: the same seed then gives the same history whenever it is run.
    horizon = dt.datetime.combine(demo_corpus.AS_OF + dt.timedelta(days=HORIZON_DAYS), dt.time(18), tzinfo=TZ)
    now = min(timezone.now().replace(microsecond=0), horizon)
    rng = random.Random(seed)
    orgs = demo_corpus.build_organisations(seed=seed)
    rows = demo_corpus.generate_scenarios(n=scenarios, seed=seed, organisations=orgs)
    result = SeedResult()
    with transaction.atomic():
        members = _create_organisations_and_users(_organisation_specs(orgs, rng))
        actors = {name: Actor(user=m.user, membership=m) for name, m in members.items()}
        office = actors[orgs["office"]["name"]]
        cities = {a.region_id: a for a in actors.values() if a.role == Role.CITY}
        result.organisations = Counter(a.role for a in actors.values())
        result.users = User.objects.filter(_demo_users()).count()

        history: dict[int, list[_Step]] = {}
        for i, row in enumerate(rows, start=1):
            owner = actors[row["owner"]]
            region = _region_code(row["region"])
            reviewer = office if owner.role in PROVINCIAL_OWNER_TYPES else cities[region]
            steps = _plan(row, owner, reviewer, office, random.Random(f"{seed}:{i}"), now)
            try:
                # Audit records are sealed into the hash chain as written, so they get their historic time
                # now (recorded_at) instead of being backdated afterwards like the scenario rows.
                with recorded_at(steps[0].when):
                    scenario = services.scenario_create(actor=owner, data=_scenario_data(row))
                for step in steps[1:]:
                    with recorded_at(step.when):
                        scenario = services.scenario_transition(
                            actor=step.actor,
                            scenario_id=scenario.pk,
                            target=step.target,
                            reason=step.reason,
                            now=step.when,
                        )
            except DomainError as exc:
                details = getattr(exc, "details", None) or ""
                raise DomainError(f"demo scenario {i} {row['title']!r}: {exc.message} {details}") from exc
            history[scenario.pk] = steps
            result.scenarios[scenario.status] += 1
            if progress:
                progress(i, len(rows))
        _backdate(history)
        context = DemoContext(
            seed=seed,
            now=now,
            office=office,
            cities=cities,
            actors=actors,
            organisations=orgs,
            history=history,
        )
        for stage in STAGES:
            import_string(stage)(context)
        result.stages = context.counts
    # Give the query planner statistics for the tables just filled: without them SQLite sorts the whole
    # catalogue for its first page (PostgreSQL's autovacuum would get there too, later).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result.transitions = ScenarioTransition.objects.filter(scenario_id__in=history).count()
    result.audit_records = AuditLog.objects.filter(
        object_type=Scenario._meta.label_lower, object_id__in=[str(pk) for pk in history]
    ).count()
    result.seconds = time.monotonic() - started
    return result


def _backdate(history: dict[int, list[_Step]]) -> None:
    """Give rows the services stamped with the real clock the historic times of the steps they record."""
    rows = Scenario.objects.filter(pk__in=history).only("pk")
    for scenario in rows:
        steps = history[scenario.pk]
        scenario.created_at, scenario.updated_at = steps[0].when, steps[-1].when
    Scenario.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)


def demo_logins() -> list[DemoLogin]:
    """The logins worth showing: the admin, the first organisation of each type, then each city."""
    wanted = [ADMIN_USERNAME, *TYPE_LOGINS.values(), *CITY_LOGINS.values()]
    rank = {name: i for i, name in enumerate(wanted)}
    memberships = Membership.objects.filter(user__username__in=wanted).select_related("user", "organisation")
    memberships = [m for m in memberships if _is_demo_email(m.user.email)]  # e-mails are encrypted at rest
    out = [
        DemoLogin(m.user.username, m.role, m.organisation.name, m.user.is_superuser)
        for m in sorted(memberships, key=lambda m: rank[m.user.username])
    ]
    return out
