"""What the rest of the platform calls: suggestions, reasons, and keeping stored vectors up to date.

Reads live in `selectors.py` (building an in-memory index from stored vectors). Everything here uses the
process-wide engine (`get_engine()`), so models load once per process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
from django.db import transaction

from .classify import Example, Suggestion
from .engine import engine_status, get_engine
from .models import DocumentVector
from .vectors import vector_to_bytes

# Documents embedded per model call and written per transaction while re-indexing.
UPSERT_BATCH = 64

__all__ = [
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


def document_vectors_upsert(*, kind: str, items: Iterable[tuple[int, str]]) -> int:
    """Store tokens and vectors for (object_id, text) pairs; unchanged texts are skipped.

    Returns how many documents were (re)embedded. Safe to run twice: the unique constraint on
    (kind, object_id, embedder) turns a second insert into an update.
    """
    engine = get_engine()
    name = embedder_name()
    pending = {object_id: text for object_id, text in items}
    stored = dict(
        DocumentVector.objects.filter(kind=kind, embedder=name, object_id__in=list(pending)).values_list(
            "object_id", "text_hash"
        )
    )
    changed = [(oid, text) for oid, text in pending.items() if stored.get(oid) != text_hash(text)]
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
            )
            for i, (oid, text) in enumerate(batch)
        ]
        with transaction.atomic():
            DocumentVector.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["kind", "object_id", "embedder"],
                update_fields=["text_hash", "vector", "tokens", "updated_at"],
            )
    return len(changed)


def document_vector_delete(*, kind: str, object_id: int) -> int:
    """Forget a document under every embedder (e.g. a withdrawn scenario); returns rows deleted."""
    deleted, _ = DocumentVector.objects.filter(kind=kind, object_id=object_id).delete()
    return deleted
