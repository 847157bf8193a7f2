"""Reads: an in-memory index rebuilt from stored DocumentVector rows, without running the model."""

from __future__ import annotations

import numpy as np

from .engine import Engine, get_engine
from .index import Index
from .models import DocumentVector
from .vectors import vector_from_bytes

# Rows fetched per round trip while loading; bounds memory on PostgreSQL's server-side cursor too.
LOAD_CHUNK = 2000


def index_load(*, kind: str, engine: Engine | None = None) -> Index:
    """An index of every stored document of `kind` for the running embedder (search ids = object ids).

    Documents stored under another embedder are not included: re-index them with
    `services.document_vectors_upsert` after changing SCENARIOHUB_EMBEDDER.
    """
    engine = engine or get_engine()
    index = engine.new_index()
    name = engine.embedder.name if engine.embedder is not None else "none"
    rows = (
        DocumentVector.objects.filter(kind=kind, embedder=name)
        .order_by("object_id")
        .values_list("object_id", "vector", "tokens")
        .iterator(chunk_size=LOAD_CHUNK)
    )
    ids: list[int] = []
    vectors: list[np.ndarray] = []
    tokens: list[list[str]] = []

    def flush() -> None:
        index.add_many(
            [(oid, "") for oid in ids],
            vectors=np.vstack(vectors) if engine.embedder is not None else None,
            token_lists=tokens,
        )
        ids.clear()
        vectors.clear()
        tokens.clear()

    for object_id, vector, token_text in rows:
        ids.append(object_id)
        tokens.append(token_text.split())
        if engine.embedder is not None:
            vectors.append(vector_from_bytes(vector))
        if len(ids) == LOAD_CHUNK:
            flush()
    if ids:
        flush()
    return index
