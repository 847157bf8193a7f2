"""What the rest of the platform calls: suggestions, reasons, and keeping stored vectors up to date.

Reads live in `selectors.py` (the live in-memory indexes, search, duplicates, recommendations). Everything
here uses the process-wide engine (`get_engine()`), so models load once per process.

Keeping the index current: a saved scenario or solution enqueues `scenario_index(id)` / `solution_index(id)`
on commit (`on_scenario_changed`, `on_solution_changed`; `apps.py` connects them to the models' signals).
The task re-embeds the document only when its text changed and forgets it when it is no longer public,
then tells every process's live index to refresh (`index_changed`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from scenariohub.core.tasks import enqueue

from .classify import Example, Suggestion
from .documents import document_text, label_names
from .engine import engine_status, get_engine
from .models import DocumentVector
from .vectors import vector_to_bytes

SCENARIO = "scenario"
SOLUTION = "solution"
KINDS = (SCENARIO, SOLUTION)

# Documents embedded per model call and written per transaction while re-indexing.
UPSERT_BATCH = 64

__all__ = [
    "KINDS",
    "SCENARIO",
    "SOLUTION",
    "Example",
    "Suggestion",
    "classifier_fit",
    "classify",
    "document_vector_delete",
    "document_vectors_upsert",
    "embedder_name",
    "engine_status",
    "explain_match",
    "get_engine",
    "index_changed",
    "on_scenario_changed",
    "on_solution_changed",
    "reindex",
    "scenario_index",
    "scenario_text",
    "solution_index",
    "solution_text",
    "text_hash",
]


def classify(*, title: str = "", text: str = "", k: int = 3) -> list[Suggestion]:
    """Top `k` (sector, field) suggestions for a scenario being written, best first."""
    return get_engine().classifier.classify(title=title, text=text, k=k)


def classifier_fit(*, examples: Iterable[Example], vectors: np.ndarray | None = None) -> None:
    """Teach the classifier how the platform files things (call with published scenarios).

    `vectors` (one row per example, e.g. from stored DocumentVector rows) saves embedding them again.
    """
    get_engine().classifier.fit(examples, vectors=vectors)


def explain_match(*, query_text: str, doc_text: str, limit: int = 5) -> list[str]:
    """Salient words both texts share, most specific first: the "reasons" shown with a recommendation."""
    return get_engine().analyzer.shared_terms(query_text, doc_text, limit=limit)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedder_name() -> str:
    """The name stored in DocumentVector.embedder for the running engine ("none" without a model)."""
    engine = get_engine()
    return engine.embedder.name if engine.embedder is not None else "none"


def document_vectors_upsert(
    *,
    kind: str,
    items: Iterable[tuple[int, str]],
    force: bool = False,
    titles: Mapping[int, str] | None = None,
) -> int:
    """Store tokens and vectors for (object_id, text) pairs; unchanged texts are skipped (unless `force`).

    `titles` ({object_id: title}) are stored for exact-name matches (the title is part of the text, so a
    changed title is a changed text). Returns how many documents were (re)embedded. Safe to run twice:
    the unique constraint on (kind, object_id, embedder) turns a second insert into an update.
    """
    engine = get_engine()
    name = embedder_name()
    pending = {object_id: text for object_id, text in items}
    titles = titles or {}
    stored = {
        oid: (hash_, title)
        for oid, hash_, title in DocumentVector.objects.filter(
            kind=kind, embedder=name, object_id__in=list(pending)
        ).values_list("object_id", "text_hash", "title")
    }
    changed = [
        (oid, text) for oid, text in pending.items() if force or stored.get(oid, ("",))[0] != text_hash(text)
    ]
    # Rows stored before titles were kept: fill the title in, without embedding the unchanged text again.
    changed_ids = {oid for oid, _ in changed}
    retitled = [
        oid
        for oid in pending
        if oid in stored and oid in titles and oid not in changed_ids and stored[oid][1] != titles[oid][:200]
    ]
    now = timezone.now()
    for oid in retitled:
        DocumentVector.objects.filter(kind=kind, embedder=name, object_id=oid).update(
            title=titles[oid][:200], updated_at=now
        )
    if retitled:
        index_changed(kind)
    for start in range(0, len(changed), UPSERT_BATCH):
        batch = changed[start : start + UPSERT_BATCH]
        texts = [text for _, text in batch]
        vectors = engine.embedder.embed_passages(texts) if engine.embedder is not None else None
        rows = [
            DocumentVector(
                kind=kind,
                object_id=oid,
                embedder=name,
                text_hash=text_hash(text),
                vector=vector_to_bytes(vectors[i]) if vectors is not None else b"",
                tokens=" ".join(engine.analyzer.tokens(text)),
                title=(titles.get(oid) or "")[:200],
            )
            for i, (oid, text) in enumerate(batch)
        ]
        with transaction.atomic():
            DocumentVector.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["kind", "object_id", "embedder"],
                update_fields=["text_hash", "vector", "tokens", "title", "updated_at"],
            )
    return len(changed)


def document_vector_delete(*, kind: str, object_id: int) -> int:
    """Forget a document under every embedder (e.g. a withdrawn scenario); returns rows deleted."""
    deleted, _ = DocumentVector.objects.filter(kind=kind, object_id=object_id).delete()
    return deleted


# ---------------------------------------------------------------------------------------------- platform texts


def scenario_text(scenario, *, labels: bool = True) -> str:
    """What the index holds for a scenario: title, purpose, requirements, then its field and sector names
    (`labels=False`: the words its owner wrote, e.g. to explain a match)."""
    names = [scenario.field.name_zh, scenario.sector.name_zh] if labels else []
    return document_text(
        title=scenario.title, parts=[scenario.purpose, scenario.tech_requirements], labels=names
    )


def solution_text(solution, *, field_codes: Iterable[str] | None = None, labels: bool = True) -> str:
    """A solution: title, description, capabilities, then its fields' and sector's names.

    `field_codes` saves a query when the caller has them (otherwise read through `solution.fields`, which
    a `prefetch_related("fields")` serves from memory).
    """
    names: list[str] = []
    if labels:
        codes = list(field_codes) if field_codes is not None else [f.pk for f in solution.fields.all()]
        names = label_names(field_codes=sorted(codes), sector_code=solution.sector_id)
    return document_text(
        title=solution.title, parts=[solution.description, solution.capabilities], labels=names
    )


def _solution_model():
    """matching.Solution when the matching app is installed (the AI app does not require it)."""
    if not apps.is_installed("scenariohub.matching"):
        return None
    try:
        return apps.get_model("matching", "Solution")
    except LookupError:
        return None


# ---------------------------------------------------------------------------------------------- keeping current

# Cache key whose value changes whenever stored vectors of a kind change: with a shared cache (Redis) every
# process learns of a change at its next search; `selectors` also polls the table as a fallback.
VERSION_KEY = "ai:index-version:{kind}"
# In-process counters, bumped with the cache key: the live index of this process refreshes immediately.
_local_versions: dict[str, int] = dict.fromkeys(KINDS, 0)
_versions_lock = threading.Lock()


def index_changed(kind: str) -> None:
    """Tell live indexes (this process at once, others through the cache) that rows of `kind` changed."""
    with _versions_lock:
        _local_versions[kind] = _local_versions.get(kind, 0) + 1
    cache.set(VERSION_KEY.format(kind=kind), f"{time.time():.6f}", timeout=None)


def local_version(kind: str) -> int:
    return _local_versions.get(kind, 0)


def scenario_index(scenario_id: int) -> str:
    """Task: (re)embed a public scenario whose text changed; forget one that is not public (or gone).

    Returns what happened ("indexed", "unchanged", "removed", "absent"). Safe to run twice.
    """
    from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario

    scenario = (
        Scenario.objects.select_related("field", "sector")
        .filter(pk=scenario_id, status__in=PUBLIC_STATUSES)
        .first()
    )
    if scenario is None:
        return _index_one(SCENARIO, scenario_id, None, "")
    return _index_one(SCENARIO, scenario_id, scenario_text(scenario), scenario.title)


def solution_index(solution_id: int) -> str:
    """Task: the same for a supplier's solution (indexed while published)."""
    model = _solution_model()
    solution = None
    if model is not None:
        solution = model.objects.prefetch_related("fields").filter(pk=solution_id, published=True).first()
    if solution is None:
        return _index_one(SOLUTION, solution_id, None, "")
    return _index_one(SOLUTION, solution_id, solution_text(solution), solution.title)


def _index_one(kind: str, object_id: int, text: str | None, title: str) -> str:
    if text is None:
        if document_vector_delete(kind=kind, object_id=object_id):
            index_changed(kind)
            return "removed"
        return "absent"
    if document_vectors_upsert(kind=kind, items=[(object_id, text)], titles={object_id: title}):
        index_changed(kind)
        return "indexed"
    return "unchanged"


def on_scenario_changed(scenario_id: int) -> None:
    """Queue `scenario_index` for when the current transaction commits (cheap: call it on every save)."""
    enqueue("scenariohub.ai.services.scenario_index", int(scenario_id))


def on_solution_changed(solution_id: int) -> None:
    enqueue("scenariohub.ai.services.solution_index", int(solution_id))


# ---------------------------------------------------------------------------------------------- reindex


@dataclass
class ReindexReport:
    kind: str
    embedder: str
    candidates: int = 0  # public documents looked at
    embedded: int = 0  # (re)embedded because new or changed (or --force)
    removed: int = 0  # stored rows of documents no longer public
    seconds: float = 0.0

    @property
    def unchanged(self) -> int:
        return self.candidates - self.embedded


def _public_documents(kind: str, batch: int) -> tuple[int, Iterator[list[tuple[int, str, str]]]]:
    """How many public documents of `kind` there are, and their (id, text, title) in batches by id."""
    if kind == SCENARIO:
        from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario

        qs = Scenario.objects.filter(status__in=PUBLIC_STATUSES)

        def texts(rows):
            return [(s.pk, scenario_text(s), s.title) for s in rows.select_related("field", "sector")]
    else:
        model = _solution_model()
        if model is None:
            return 0, iter(())
        qs = model.objects.filter(published=True)

        def texts(rows):
            return [(s.pk, solution_text(s), s.title) for s in rows.prefetch_related("fields")]

    def batches() -> Iterator[list[tuple[int, str, str]]]:
        last = 0
        while True:
            rows = qs.filter(pk__gt=last).order_by("pk")[:batch]
            items = texts(rows)
            if not items:
                return
            last = items[-1][0]
            yield items

    return qs.count(), batches()


def _public_ids(kind: str) -> set[int]:
    if kind == SCENARIO:
        from scenariohub.scenarios.models import PUBLIC_STATUSES, Scenario

        return set(Scenario.objects.filter(status__in=PUBLIC_STATUSES).values_list("pk", flat=True))
    model = _solution_model()
    return (
        set(model.objects.filter(published=True).values_list("pk", flat=True)) if model is not None else set()
    )


def reindex(
    *,
    kind: str,
    batch: int = 200,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReindexReport:
    """Bring the stored vectors of `kind` up to date with the database; safe to re-run.

    Public documents whose text changed (all with `force`) are embedded, in batches of `batch`; rows of
    documents that are no longer public are deleted (under every embedder). `progress(done, total)` is
    called after each batch.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    started = time.perf_counter()
    report = ReindexReport(kind=kind, embedder=embedder_name())
    total, batches = _public_documents(kind, max(1, batch))
    if progress:
        progress(0, total)
    for items in batches:
        report.embedded += document_vectors_upsert(
            kind=kind,
            items=[(oid, text) for oid, text, _ in items],
            force=force,
            titles={o: t for o, _, t in items},
        )
        report.candidates += len(items)
        if progress:
            progress(report.candidates, max(total, report.candidates))
    stale = sorted(
        set(DocumentVector.objects.filter(kind=kind).values_list("object_id", flat=True)) - _public_ids(kind)
    )
    for start in range(0, len(stale), 1000):
        deleted, _ = DocumentVector.objects.filter(
            kind=kind, object_id__in=stale[start : start + 1000]
        ).delete()
        report.removed += deleted
    if report.embedded or report.removed:
        index_changed(kind)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
