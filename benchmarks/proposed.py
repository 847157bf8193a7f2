"""The changes this benchmark proposes to the project, applied to a benchmark run only (`--proposed`).

Nothing here is used by the project. Once the owners adopt a change (the indexes in `Scenario.Meta`, the
lookup in `selectors.keyword_q`), the matching part here becomes a no-op and can be deleted.

1. A partial index on the public catalogue's order. On PostgreSQL a descending scan of the plain
   `published_at` index meets the NULLs of unreleased rows first (NULLS FIRST), ~30 % of the table; the
   (status, published_at) index cannot give one order across six status values, so the planner sorts.
   SQLite cannot use a partial index when the statuses are bound parameters (Django binds them); there the
   plain `published_at` index serves the catalogue, provided ANALYZE statistics exist.
2. (sector, published_at, id): a sector-filtered list (the API's sector + keyword query) walks one
   sector's rows in release order and stops after a page, instead of filtering the whole sector and sorting.
   This is the one SQLite can use.
3. Case-sensitive LIKE for search terms that have no letter case (Chinese, digits). On PostgreSQL
   `icontains` is `UPPER(col) LIKE UPPER(term)`: it upper-cases every text it scans, and the planner
   cannot estimate that predicate, so it picks a bitmap scan + sort instead of walking the index above.
   (On SQLite both lookups are the same LIKE.)
4. A keyword search counts its matches up to COUNT_CAP only ("1000+"). A substring search reads the
   text of every candidate row, so an exact count costs a scan of the whole filtered set whatever the
   indexes; a capped one stops at the cap. This changes the API's `count` (it would need a flag such as
   `count_capped`), so it is the API owner's call; the real fix is a search index (see README).
"""

from django.db import connection, models
from django.db.models import Q, QuerySet

from scenariohub.scenarios import selectors
from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario

PUBLIC_INDEX = models.Index(
    fields=["-published_at", "-id"], condition=Q(status__in=PUBLIC_STATUSES), name="scen_public_published_idx"
)
SECTOR_INDEX = models.Index(fields=["sector", "-published_at", "-id"], name="scen_sector_published_idx")
INDEXES = (PUBLIC_INDEX, SECTOR_INDEX)


def keyword_q(q: str) -> Q:
    """selectors.keyword_q, with `contains` where case folding cannot change the match."""
    cond = Q()
    for term in q.split()[:8]:
        lookup = "icontains" if term.lower() != term.upper() else "contains"
        cond &= (
            Q(**{f"title__{lookup}": term})
            | Q(**{f"purpose__{lookup}": term})
            | Q(**{f"tech_requirements__{lookup}": term})
        )
    return cond


COUNT_CAP = 1000
_list_visible = selectors.scenario_list_visible


class CappedCountQuerySet(QuerySet):
    def count(self) -> int:
        # SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1): the scan stops once the cap is passed.
        return QuerySet.count(self.order_by()[: COUNT_CAP + 1])


def scenario_list_visible(*, actor, filters):
    qs = _list_visible(actor=actor, filters=filters)
    if filters.q:
        qs.__class__ = CappedCountQuerySet
    return qs


def patch_selectors() -> None:
    selectors.keyword_q = keyword_q
    selectors.scenario_list_visible = scenario_list_visible


def create_indexes() -> list[str]:
    """Add the indexes the table lacks (a migration or an earlier run may have added them); their names."""
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, Scenario._meta.db_table)
    added = [index for index in INDEXES if index.name not in existing]
    with connection.schema_editor() as editor:
        for index in added:
            editor.add_index(Scenario, index)
    if added:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Scenario._meta.db_table}")
    return [index.name for index in added]
