"""Ranking metrics with graded relevance (gain = relevance grade, log2 discount), as in TREC/BEIR.

Each function takes the ranked ids a system returned and the judged ids of one query
({doc_id: grade}, grade > 0 relevant). Averaging over queries is the caller's job (`mean`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ranked: Sequence[Hashable], relevant: Mapping[Hashable, float], k: int = 10) -> float:
    """Normalised DCG: 1.0 when the k best-graded documents come first in grade order."""
    ideal = dcg_at_k(sorted((g for g in relevant.values() if g > 0), reverse=True), k)
    if ideal == 0:
        return 0.0
    gains = [max(relevant.get(doc, 0), 0) for doc in ranked[:k]]
    return dcg_at_k(gains, k) / ideal


def recall_at_k(ranked: Sequence[Hashable], relevant: Mapping[Hashable, float], k: int = 10) -> float:
    """Share of the relevant documents (any grade > 0) found in the first k."""
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranked[:k])) / len(wanted)


def reciprocal_rank(ranked: Sequence[Hashable], relevant: Mapping[Hashable, float]) -> float:
    """1 / rank of the first relevant document (0 when none is returned); its mean is MRR."""
    for rank, doc in enumerate(ranked, start=1):
        if relevant.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def ranking_report(runs: Sequence[tuple[Sequence[Hashable], Mapping[Hashable, float]]], k: int = 10) -> dict:
    """nDCG@k, recall@k and MRR averaged over (ranked, relevant) pairs, rounded for reports."""
    return {
        f"ndcg@{k}": round(mean(ndcg_at_k(r, rel, k) for r, rel in runs), 4),
        f"recall@{k}": round(mean(recall_at_k(r, rel, k) for r, rel in runs), 4),
        "mrr": round(mean(reciprocal_rank(r, rel) for r, rel in runs), 4),
        "queries": len(runs),
    }
