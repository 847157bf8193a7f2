"""The process's live search indexes (one per kind) and the classifier fitted on published scenarios.

A live index is loaded from stored `DocumentVector` rows (tokens and vectors: no model run, no
segmentation) and then kept current cheaply:

- a write in this process (`services.index_changed`) bumps an in-process counter: the next search refreshes;
- a write in another process bumps a key in Django's cache (shared when `REDIS_URL` sets a Redis cache);
- as a fallback for processes without a shared cache (a `reindex` run next to a server using the local
  memory cache), the table is polled at most every REFRESH_SECONDS.

A refresh reads only what changed: the count and latest `updated_at` of the kind's rows, the rows updated
since the last load (a margin covers transactions that committed late), and the list of ids only when
documents were removed. In "thread" task mode (the default) a refresh, and the first load, run in a
background thread: a search never waits for them, it uses the index it has (or, before the first load,
answers None so that the caller falls back to substring search). With SCENARIOHUB_TASKS="inline" (tests)
they run at once in the caller.

Searching then costs no SQL: the catalogue's query count does not change with the engine on.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import Count, Max
from django.dispatch import receiver

from . import engine as engine_module
from . import services
from .classify import Classifier, Example
from .engine import Engine, get_engine
from .index import Index
from .models import DocumentVector
from .text import normalise
from .vectors import vector_from_bytes

logger = logging.getLogger(__name__)

# How often a process checks the table itself for changes made elsewhere (when no shared cache told it).
REFRESH_SECONDS = 60.0
# Rows updated this long before the newest row already loaded are read again on a refresh: a transaction
# that started earlier may commit later with an older `updated_at`. Unchanged texts are skipped by hash.
UPDATED_AT_MARGIN = dt.timedelta(minutes=5)
LOAD_CHUNK = 2000
# The classifier learns from at most this many published scenarios (the most recent): 10 neighbours vote,
# so more examples add memory (a copy of their vectors) rather than accuracy.
CLASSIFIER_MAX_EXAMPLES = 20_000
# A changed set of published scenarios refits the classifier at most this often.
CLASSIFIER_REFIT_SECONDS = 300.0


def inline_mode() -> bool:
    from scenariohub.core.tasks import task_mode

    return task_mode() == "inline"


def _embedder_name(engine: Engine) -> str:
    return engine.embedder.name if engine.embedder is not None else "none"


@dataclass
class LiveIndex:
    kind: str
    index: Index | None = None
    engine: Engine | None = None
    hashes: dict[int, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)  # normalised (lower-case, NFKC) titles
    _title_blob: tuple | None = None  # (generation, joined titles, start offsets, ids) for substring search
    rows: int = 0  # stored rows of this kind and embedder at the last refresh
    newest: dt.datetime | None = None  # their latest updated_at
    generation: int = 0  # bumped whenever the index's contents change
    local_version: int = -1
    cache_version: object = None
    checked_at: float = float("-inf")  # time.monotonic() of the last look at the table
    loaded_at: dt.datetime | None = None  # wall clock of the last change applied (status page)
    refreshing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- deciding ------------------------------------------------------------------------------------

    def stale(self) -> bool:
        if self.engine is not None and engine_module._engine is not self.engine:
            return True  # the engine was rebuilt (setting changed): vectors of another model
        if self.local_version != services.local_version(self.kind):
            return True
        if cache.get(services.VERSION_KEY.format(kind=self.kind)) != self.cache_version:
            return True
        return time.monotonic() - self.checked_at > REFRESH_SECONDS

    def current(self) -> Index | None:
        """The index to search now (None before the first load or when empty); refreshes when stale."""
        if self.stale():
            if inline_mode():
                self.refresh()
            elif self.index is None and not self._any_rows():
                pass  # one cheap query, until something is stored: no thread and no model for an empty table
            else:
                self._refresh_in_background()
        index = self.index
        return index if index is not None and len(index) else None

    def _any_rows(self) -> bool:
        versions = services.local_version(self.kind), cache.get(services.VERSION_KEY.format(kind=self.kind))
        if DocumentVector.objects.filter(kind=self.kind).exists():
            return True
        self._checked(*versions)
        return False

    def _refresh_in_background(self) -> None:
        with self.lock:
            if self.refreshing:
                return
            self.refreshing = True

        def run():
            try:
                self.refresh()
            except Exception:
                logger.exception("refreshing the %s search index failed", self.kind)
                self.checked_at = time.monotonic()  # do not retry on every request
            finally:
                connections.close_all()
                self.refreshing = False

        threading.Thread(target=run, name=f"ai-index-{self.kind}", daemon=True).start()

    # -- refreshing ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Bring the index in line with the stored rows (a full load the first time)."""
        with _refresh_lock(self.kind):
            # Read the versions first: a change that lands while we read the table bumps them again.
            local_version = services.local_version(self.kind)
            cache_version = cache.get(services.VERSION_KEY.format(kind=self.kind))
            if self.index is None and not DocumentVector.objects.filter(kind=self.kind).exists():
                # Nothing stored at all: do not even load the model.
                self.rows, self.newest = 0, None
            else:
                engine = get_engine()
                name = _embedder_name(engine)
                stats = DocumentVector.objects.filter(kind=self.kind, embedder=name).aggregate(
                    n=Count("id"), newest=Max("updated_at")
                )
                if self.index is None or self.engine is not engine:
                    self._load(engine, name)
                elif (stats["n"], stats["newest"]) != (self.rows, self.newest):
                    self._update(engine, name, stats["n"])
                self.rows, self.newest = stats["n"], stats["newest"]
            self._checked(local_version, cache_version)

    def _checked(self, local_version: int, cache_version: object) -> None:
        self.local_version, self.cache_version = local_version, cache_version
        self.checked_at = time.monotonic()

    def _rows(self, engine: Engine, name: str, **filters):
        return (
            DocumentVector.objects.filter(kind=self.kind, embedder=name, **filters)
            .order_by("object_id")
            .values_list("object_id", "text_hash", "vector", "tokens", "title")
            .iterator(chunk_size=LOAD_CHUNK)
        )

    def _load(self, engine: Engine, name: str) -> None:
        index = engine.new_index()
        hashes: dict[int, str] = {}
        titles: dict[int, str] = {}
        batch: list[tuple] = []

        def flush():
            _add(index, engine, batch)
            batch.clear()

        for row in self._rows(engine, name):
            hashes[row[0]] = row[1]
            titles[row[0]] = normalise(row[4])
            batch.append(row)
            if len(batch) == LOAD_CHUNK:
                flush()
        flush()
        # One assignment each: a search in another thread sees the old index or the new one, whole.
        self.index, self.engine, self.hashes, self.titles = index, engine, hashes, titles
        self._changed()

    def _update(self, engine: Engine, name: str, expected_rows: int) -> None:
        index = self.index
        since = (self.newest or dt.datetime.min.replace(tzinfo=dt.UTC)) - UPDATED_AT_MARGIN
        recent = list(self._rows(engine, name, updated_at__gte=since))
        changed = [row for row in recent if self.hashes.get(row[0]) != row[1]]
        _add(index, engine, changed)
        for row in changed:
            self.hashes[row[0]] = row[1]
        retitled = [row for row in recent if self.titles.get(row[0]) != normalise(row[4])]
        for row in retitled:
            self.titles[row[0]] = normalise(row[4])
        removed = 0
        if len(index) != expected_rows:
            stored = set(
                DocumentVector.objects.filter(kind=self.kind, embedder=name).values_list(
                    "object_id", flat=True
                )
            )
            for doc_id in [d for d in self.hashes if d not in stored]:
                index.remove(doc_id)
                self.hashes.pop(doc_id, None)
                self.titles.pop(doc_id, None)
                removed += 1
        if changed or removed or retitled:
            self._changed()

    def title_matches(self, terms: list[str], limit: int) -> list[int]:
        """Ids of documents whose title contains every term (case-insensitive), at most `limit`.

        The exact-name guarantee of a search box, in memory: `str.find` over the joined titles (~1-6 ms
        for 70k titles), instead of a LIKE scan of the table.
        """
        terms = [normalise(t) for t in terms if t.strip()]
        if not terms or limit <= 0:
            return []
        blob = self._title_blob
        if blob is None or blob[0] != self.generation:
            ids = list(self.titles)
            texts = [self.titles[i] for i in ids]
            starts, pos = [], 0
            for text in texts:
                starts.append(pos)
                pos += len(text) + 1
            blob = self._title_blob = (self.generation, "\n".join(texts), starts, ids)
        _generation, joined, starts, ids = blob
        first, rest = terms[0], terms[1:]
        out: list[int] = []
        at = joined.find(first)
        while at >= 0 and len(out) < limit:
            doc = bisect.bisect_right(starts, at) - 1
            end = starts[doc + 1] - 1 if doc + 1 < len(starts) else len(joined)
            if all(term in joined[starts[doc] : end] for term in rest):
                out.append(ids[doc])
            at = joined.find(first, end + 1)
        return out

    def _changed(self) -> None:
        self.generation += 1
        self.loaded_at = dt.datetime.now(dt.UTC)


def _add(index: Index, engine: Engine, rows: list[tuple]) -> None:
    if not rows:
        return
    vectors = None
    if engine.embedder is not None:
        vectors = np.vstack([vector_from_bytes(r[2]) for r in rows])
    index.add_many([(r[0], "") for r in rows], vectors=vectors, token_lists=[r[3].split() for r in rows])


_refresh_locks: dict[str, threading.Lock] = {}
_holders: dict[str, LiveIndex] = {}
_holders_lock = threading.Lock()


def _refresh_lock(kind: str) -> threading.Lock:
    with _holders_lock:
        return _refresh_locks.setdefault(kind, threading.Lock())


def holder(kind: str) -> LiveIndex:
    with _holders_lock:
        if kind not in _holders:
            _holders[kind] = LiveIndex(kind=kind)
        return _holders[kind]


def live_index(kind: str) -> Index | None:
    """The process's current index of `kind`, or None when there is none yet (fall back to SQL)."""
    return holder(kind).current()


def live_index_loaded(kind: str) -> LiveIndex | None:
    """The holder if it was ever used in this process (status page: no loading just to look)."""
    with _holders_lock:
        return _holders.get(kind)


def reset() -> None:
    """Forget every live index and the classifier fit (tests; a changed setting)."""
    with _holders_lock:
        _holders.clear()
    _classifier_state.clear()


@receiver(setting_changed, dispatch_uid="scenariohub.ai.live.reset")
def _on_setting_changed(*, setting, **kwargs):
    # Tests change settings (and their database) from one test to the next: a cached index must not outlive
    # the rows it was read from. A changed embedder also needs a new engine.
    if setting == "SCENARIOHUB_EMBEDDER":
        engine_module.reset_engine()
    reset()


# ---------------------------------------------------------------------------------------------- classifier

_classifier_state: dict = {}
_classifier_lock = threading.Lock()


def platform_classifier() -> Classifier:
    """The engine's classifier, fitted on published scenarios (refitted when they changed, at most every
    CLASSIFIER_REFIT_SECONDS; in the background in thread mode)."""
    engine = get_engine()
    live = holder(services.SCENARIO)
    live.current()
    state = _classifier_state
    fresh = state.get("engine") is engine and state.get("generation") == live.generation
    recently = time.monotonic() - state.get("fitted_at", float("-inf")) < CLASSIFIER_REFIT_SECONDS
    never = state.get("engine") is not engine
    if not fresh and (never or not recently) and live.index is not None:
        if inline_mode():
            _fit(engine, live.generation)
        elif not state.get("fitting"):
            state["fitting"] = True

            def run():
                try:
                    _fit(engine, live.generation)
                except Exception:
                    logger.exception("fitting the classifier failed")
                finally:
                    connections.close_all()
                    state["fitting"] = False

            threading.Thread(target=run, name="ai-classifier-fit", daemon=True).start()
    return engine.classifier


def _fit(engine: Engine, generation: int) -> None:
    from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario

    with _classifier_lock:
        name = _embedder_name(engine)
        rows = list(
            DocumentVector.objects.filter(kind=services.SCENARIO, embedder=name)
            .order_by("-object_id")
            .values_list("object_id", "vector", "tokens")[:CLASSIFIER_MAX_EXAMPLES]
        )
        labels = {}
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), 5000):
            labels.update(
                (pk, (sector, field_))
                for pk, sector, field_ in Scenario.objects.filter(
                    pk__in=ids[start : start + 5000], status__in=PUBLIC_STATUSES
                ).values_list("pk", "sector_id", "field_id")
            )
        kept = [r for r in rows if r[0] in labels]
        examples = [Example(text="", sector=labels[r[0]][0], field=labels[r[0]][1]) for r in kept]
        vectors = np.vstack([vector_from_bytes(r[1]) for r in kept]) if kept and engine.embedder else None
        engine.classifier.fit(examples, vectors=vectors, token_lists=[r[2].split() for r in kept])
        _classifier_state.update(
            engine=engine, generation=generation, fitted_at=time.monotonic(), examples=len(examples)
        )


def classifier_examples() -> int:
    return int(_classifier_state.get("examples", 0))
