"""Offline evaluation of search and classification on a labelled file (format of matching-dev.json).

The file: {"documents": [{"id", "text", "sector"?, "field"?, "title"?}],
           "queries": [{"id", "text", "relevant": {doc_id: grade}, "sector"?, "field"?, "title"?}],
           "keywords": [{"id", "text", "relevant": {...}}]}  (keywords optional).

Everything goes through the engine's own classes (`Index`, `Classifier`) in a throw-away index, and a
document's indexed text is composed as the platform composes it (`documents.document_text`: title, text,
then the names of its field and sector when the file gives them), so the figures describe what the
platform runs. Queries are never expanded: a search does not know its answer's labels. The documents, with their sectors, are the classifier's
labelled examples, as published scenarios are on the platform; the taxonomy-only figure is reported too.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

from .classify import Classifier, Example
from .documents import document_text, label_names
from .engine import Engine
from .metrics import mean, ranking_report

K = 10


def load_eval_file(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise ValueError("expected an object with a 'documents' list")
    return data


def _full_text(item: dict) -> str:
    return document_text(title=item.get("title", ""), parts=[item.get("text", "")])


def _document_text(item: dict) -> str:
    """A document as the platform indexes it: its text followed by its label names."""
    labels = label_names(
        field_codes=[item["field"]] if item.get("field") else [], sector_code=item.get("sector", "")
    )
    return document_text(title=item.get("title", ""), parts=[item.get("text", "")], labels=labels)


def evaluate(data: dict, *, engine: Engine) -> dict:
    """nDCG@10 / recall@10 / MRR per retrieval mode, and classifier accuracy, as a JSON-ready dict."""
    docs = data["documents"]
    index = engine.new_index()
    started = time.perf_counter()
    index.add_many([(d["id"], _document_text(d)) for d in docs])
    index_seconds = time.perf_counter() - started

    modes = ["lexical", "dense", "hybrid"] if index.dense_available else ["lexical"]
    retrieval: dict[str, dict] = {}
    latencies: dict[str, list[float]] = {mode: [] for mode in modes}
    for set_name in ("queries", "keywords"):
        items = [q for q in data.get(set_name) or [] if q.get("relevant")]
        if not items:
            continue
        retrieval[set_name] = {}
        for mode in modes:
            runs = []
            for q in items:
                t0 = time.perf_counter()
                ranked = [doc_id for doc_id, _ in index.search(_full_text(q), K, mode=mode)]
                latencies[mode].append(time.perf_counter() - t0)
                runs.append((ranked, q["relevant"]))
            retrieval[set_name][mode] = ranking_report(runs, K)
        if not index.dense_available:
            retrieval[set_name]["dense"] = retrieval[set_name]["hybrid"] = None

    return {
        "embedder": engine.status_dict(),
        "documents": len(docs),
        "retrieval": retrieval,
        "classification": _classification(data, engine=engine, index=index),
        "timing": {
            "index_seconds": round(index_seconds, 3),
            "search_median_ms": {m: round(1000 * statistics.median(v), 2) for m, v in latencies.items() if v},
        },
    }


def _classification(data: dict, *, engine: Engine, index) -> dict:
    queries = [q for q in data.get("queries") or [] if q.get("sector")]
    if not queries:
        return {}
    classifier = Classifier(analyzer=engine.analyzer, embedder=engine.embedder)
    out = {"taxonomy_only": _accuracy(classifier, queries)}
    examples = [
        Example(text=_document_text(d), sector=d["sector"], field=d.get("field", ""))
        for d in data["documents"]
        if d.get("sector")
    ]
    if examples:
        vectors = None
        if index.dense_available:
            # The index already embedded these documents; embedding them again would only cost time.
            vectors = np.vstack([index.vector_of(d["id"]) for d in data["documents"] if d.get("sector")])
        classifier.fit(examples, vectors=vectors)
        out["with_examples"] = _accuracy(classifier, queries)
    return out


def _accuracy(classifier: Classifier, queries: list[dict]) -> dict:
    sector_hits, field_hits = [], []
    for q in queries:
        suggestions = classifier.classify(title=q.get("title", ""), text=q.get("text", ""), k=3)
        sector_hits.append(float(bool(suggestions) and suggestions[0].sector == q["sector"]))
        if q.get("field"):
            field_hits.append(float(q["field"] in {s.field for s in suggestions}))
    return {
        "sector_top1": round(mean(sector_hits), 4),
        "field_top3": round(mean(field_hits), 4) if field_hits else None,
        "queries": len(sector_hits),
        "queries_with_field": len(field_hits),
    }
