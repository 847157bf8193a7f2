"""In-memory hybrid index: BM25 over jieba tokens plus dense vectors, fused by reciprocal rank.

An `Index` holds one kind of document (scenarios, or solutions). Document ids are whatever the caller uses
(database primary keys, eval ids). Texts are not kept: only tokens, term statistics and vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Sequence
from typing import Literal

import numpy as np

from .bm25 import BM25Index
from .embedders import Embedder
from .text import Analyzer, get_analyzer
from .vectors import DenseMatrix, top_k, top_k_rows

Mode = Literal["hybrid", "lexical", "dense"]

# Reciprocal rank fusion constant from Cormack et al. (2009); it damps the head of each ranking so that
# neither list dominates. 60 is the published default and is not tuned here.
RRF_K = 60
# How deep each ranking goes into the fusion: deeper than k so that a document ranked 15th by one
# method and 3rd by the other can still reach the top 10.
FUSION_DEPTH = 100
# A document enters the lexical ranking only if its BM25 score reaches this share of the best one. A long
# query shares some generic word ("智能", "监测") with nearly every document; ranking all of those lets
# weak lexical matches push the embedder's good ones out of the fused top 10 (on the dev set hybrid
# recall@10 fell below dense alone without it; with 0.1-0.3 it rises monotonically back to dense's level).
LEXICAL_FLOOR = 0.3
# Default near-duplicate threshold. On the dev documents (80 distinct solutions) the highest similarity
# between two different ones was 0.46 (USE) / 0.27 (lexical only); a copy with another city's name scored
# 0.95, a reworded copy 0.80 / 0.72.
DUPLICATE_THRESHOLD = 0.7
# Re-number rows once this share of them belongs to removed documents.
COMPACT_RATIO = 0.3
# Texts embedded per model call during bulk indexing: bounded memory, still batched for speed.
EMBED_BATCH = 64


def rrf(rankings: Sequence[Sequence[int]], *, k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank), rank starting at 1."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class Index:
    """Add, remove and search documents; see the package docstring for the platform-facing API.

    Safe to share between threads: writes and reads take one lock (a search is milliseconds).
    """

    def __init__(self, *, analyzer: Analyzer | None = None, embedder: Embedder | None = None) -> None:
        self.analyzer = analyzer or get_analyzer()
        self.embedder = embedder
        self._lexical = BM25Index()
        self._dense = DenseMatrix(embedder.dim) if embedder is not None else None
        self._row_of: dict[Hashable, int] = {}
        self._id_of: list[Hashable | None] = []
        self._lock = threading.RLock()
        self._subset_cache: tuple | None = None  # see _subset_matrix

    # -- writing -------------------------------------------------------------------------------------

    def add(
        self,
        doc_id: Hashable,
        text: str,
        *,
        vector: np.ndarray | None = None,
        tokens: Sequence[str] | None = None,
    ) -> None:
        """Index (or re-index) one document. Pass `vector`/`tokens` when they were stored already."""
        self.add_many(
            [(doc_id, text)],
            vectors=None if vector is None else np.asarray(vector)[None, :],
            token_lists=None if tokens is None else [tokens],
        )

    def add_many(
        self,
        docs: Iterable[tuple[Hashable, str]],
        *,
        vectors: np.ndarray | None = None,
        token_lists: Sequence[Sequence[str]] | None = None,
    ) -> None:
        """Index many documents at once: one embedding batch per EMBED_BATCH texts, one postings merge."""
        docs = list(docs)
        if not docs:
            return
        if len({doc_id for doc_id, _ in docs}) != len(docs):
            raise ValueError("duplicate document ids in one batch")
        texts = [text for _, text in docs]
        if token_lists is None:
            token_lists = [self.analyzer.tokens(text) for text in texts]
        if self._dense is not None:
            if vectors is None or len(vectors) != len(docs) or vectors.shape[1] != self._dense.dim:
                vectors = self.embed_passages(texts)
        # Segmenting and embedding above run outside the lock: they are the slow part.
        with self._lock:
            self._insert([doc_id for doc_id, _ in docs], token_lists, vectors)

    def _insert(
        self, ids: list[Hashable], token_lists: Sequence[Sequence[str]], vectors: np.ndarray | None
    ) -> None:
        for doc_id in ids:
            self.remove(doc_id)
        start = len(self._id_of)
        rows = list(range(start, start + len(ids)))
        self._lexical.add_many(rows, token_lists)
        if self._dense is not None:
            self._dense.append(vectors)
        for doc_id, row in zip(ids, rows, strict=True):
            self._row_of[doc_id] = row
            self._id_of.append(doc_id)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts` with this index's embedder, in bounded batches (for storing them too)."""
        if self.embedder is None:
            raise RuntimeError("this index has no embedder")
        parts = [
            self.embedder.embed_passages(texts[i : i + EMBED_BATCH])
            for i in range(0, len(texts), EMBED_BATCH)
        ]
        return np.vstack(parts) if parts else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def remove(self, doc_id: Hashable) -> bool:
        with self._lock:
            row = self._row_of.pop(doc_id, None)
            if row is None:
                return False
            self._lexical.remove(row)
            self._id_of[row] = None
            dead = len(self._id_of) - len(self._row_of)
            if dead > 1000 and dead > COMPACT_RATIO * len(self._id_of):
                self._compact()
            return True

    def _compact(self) -> None:
        mapping = self._lexical.compact()
        if self._dense is not None:
            self._dense.compact(mapping)
        self._id_of = [doc_id for doc_id in self._id_of if doc_id is not None]
        self._row_of = {doc_id: row for row, doc_id in enumerate(self._id_of)}

    # -- reading -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row_of

    @property
    def dense_available(self) -> bool:
        return self._dense is not None

    def _alive(self) -> np.ndarray:
        return self._lexical.alive_mask()

    def vector_of(self, doc_id: Hashable) -> np.ndarray:
        """The stored unit vector of a document (KeyError if absent, RuntimeError without embedder)."""
        if self._dense is None:
            raise RuntimeError("this index has no embedder")
        return self._dense.row(self._row_of[doc_id]).copy()

    def tokens_of(self, doc_id: Hashable) -> list[str]:
        """The tokens a stored document was indexed with (KeyError if absent), to ask with it as a query
        without segmenting its text again."""
        with self._lock:
            return self._lexical.tokens_of(self._row_of[doc_id])

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
        dense_depth: int | None = None,
        lexical_floor: float | None = None,
        dense_floor: float | None = None,
    ) -> list[tuple[Hashable, float]]:
        """Best `k` documents for `query` as (doc_id, score), best first.

        Scores are BM25 for "lexical", cosine for "dense" and RRF sums for "hybrid". Without an embedder,
        "dense" and "hybrid" answer lexically (see `engine_status()` for why there is none).

        `query_vector` is the query's embedding when the caller has it already (a stored document used
        as the query), so the model does not run. `dense_depth` bounds how many of the embedding's
        nearest documents enter a hybrid ranking (default: as deep as the lexical side); a search box
        that filters the catalogue keeps it small, so that a query matching nothing by its words does not
        answer with hundreds of vaguely similar documents. `lexical_floor` drops lexical matches scoring
        below that share of the best one (hybrid always applies LEXICAL_FLOOR).
        """
        if not self._row_of or k <= 0:
            return []
        if mode not in ("hybrid", "lexical", "dense"):
            raise ValueError(f"unknown search mode {mode!r}")
        if self._dense is None:
            mode = "lexical"
        # The query is segmented and embedded before taking the lock: that is the slow part.
        tokens = self.analyzer.tokens(query) if mode != "dense" else []
        if mode != "lexical" and query_vector is None and self.embedder is not None:
            query_vector = self.embedder.embed_queries([query])[0]
        with self._lock:
            alive = self._alive()
            if mode == "lexical":
                ranked = self._lexical_ranking(tokens, k, alive)
                if ranked and lexical_floor:
                    ranked = [(row, score) for row, score in ranked if score >= lexical_floor * ranked[0][1]]
            elif mode == "dense":
                ranked = self._dense_ranking(query_vector, k, alive)
            else:
                assert self._dense is not None
                ranked = self._hybrid_ranking(
                    tokens,
                    self._dense.scores(query_vector),
                    k,
                    alive,
                    dense_depth=dense_depth,
                    lexical_floor=lexical_floor,
                    dense_floor=dense_floor,
                )
            return [(self._id_of[row], score) for row, score in ranked]

    def search_many(
        self,
        queries: Sequence[str],
        k: int = 10,
        *,
        query_vectors: np.ndarray | None = None,
        only: Iterable[Hashable] | None = None,
        token_lists: Sequence[Sequence[str] | None] | None = None,
    ) -> list[list[tuple[Hashable, float]]]:
        """Hybrid search for several queries at once, one result list per query (as `search` would give).

        A dense search is bound by reading the whole vector matrix, so the queries' cosines come from one
        matrix product: m queries cost little more than one (a supplier's recommendations ask with every
        solution it has). `query_vectors` (m x dim) are used when given, else the queries are embedded in
        one batch. Without an embedder each query is answered lexically (BM25 scores). `token_lists` gives
        the tokens of the queries that have them already (None for the others, which are segmented).

        `only` restricts the answers to those documents (ids not in the index are ignored), both rankings
        included, so a caller that wants open scenarios only gets the best open ones rather than the best
        of all, filtered. When they are fewer than half the index, only their rows of the vector matrix
        are read.
        """
        queries = list(queries)
        if not queries:
            return []
        if not self._row_of or k <= 0:
            return [[] for _ in queries]
        lexical_only = self._dense is None or (query_vectors is None and self.embedder is None)
        given = list(token_lists) if token_lists is not None else [None] * len(queries)
        token_lists = [
            list(tokens) if tokens is not None else self.analyzer.tokens(query)
            for query, tokens in zip(queries, given, strict=True)
        ]
        if not lexical_only and query_vectors is None:
            query_vectors = self.embedder.embed_queries(queries)
        depth = max(FUSION_DEPTH, k)
        with self._lock:
            valid = self._alive()
            subset = False
            if only is not None:
                allowed = np.zeros(len(valid), dtype=bool)
                allowed[[row for d in only if (row := self._row_of.get(d)) is not None]] = True
                valid &= allowed
                subset = int(valid.sum()) < len(valid) // 2
            lexical_scores = self._lexical.scores_many(token_lists, only=valid if subset else None)
            lexical = [
                [
                    (int(r), float(lex[r]))
                    for r in top_k(lex, k if lexical_only else depth, valid=valid & (lex > 0))
                ]
                for lex in lexical_scores
            ]
            if lexical_only:
                return [[(self._id_of[row], score) for row, score in ranked] for ranked in lexical]
            dense = self._dense_rankings(query_vectors, depth, valid, subset=subset)
            return [
                [(self._id_of[row], score) for row, score in self._fuse(self._floored(lex, None), den, k)]
                for lex, den in zip(lexical, dense, strict=True)
            ]

    def _subset_matrix(self, rows: np.ndarray) -> np.ndarray:
        """The vector matrix's `rows` as one matrix, kept while the index and the rows stay the same (one
        supplier after another asks among the same open scenarios; a copy of them, e.g. 17 MB for 8,500)."""
        assert self._dense is not None
        key = (self._lexical._version, len(rows), hash(rows.tobytes()))
        cached = self._subset_cache
        if cached is not None and cached[0] == key and np.array_equal(cached[1], rows):
            return cached[2]
        matrix = self._dense.rows(rows)
        self._subset_cache = (key, rows.copy(), matrix)
        return matrix

    def _dense_rankings(
        self, query_vectors: np.ndarray, depth: int, valid: np.ndarray, *, subset: bool
    ) -> list[list[tuple[int, float]]]:
        """Each query's `depth` best valid rows by cosine, from one matrix product and one partition
        (`subset`: the valid rows are few, so only they are read)."""
        assert self._dense is not None
        if subset:
            rows = np.flatnonzero(valid)
            scores = np.asarray(query_vectors, dtype=np.float32) @ self._subset_matrix(rows).T
            picked = top_k_rows(scores, depth)
            return [
                [(int(rows[c]), float(row_scores[c])) for c in cols]
                for cols, row_scores in zip(picked, scores, strict=True)
            ]
        scores = self._dense.scores_many(query_vectors)
        picked = top_k_rows(scores, depth, valid=valid)
        return [
            [(int(r), float(row_scores[r])) for r in cols]
            for cols, row_scores in zip(picked, scores, strict=True)
        ]

    def _hybrid_ranking(
        self,
        tokens: Sequence[str],
        dense_scores: np.ndarray,
        k: int,
        alive: np.ndarray,
        *,
        dense_depth: int | None = None,
        lexical_floor: float | None = None,
        dense_floor: float | None = None,
    ) -> list[tuple[int, float]]:
        """RRF of the lexical ranking (above its floor) and the dense ranking of `dense_scores`."""
        depth = max(FUSION_DEPTH, k)
        lexical = self._floored(self._lexical_ranking(tokens, depth, alive), lexical_floor)
        rows = top_k(dense_scores, dense_depth or depth, valid=alive)
        dense = [(int(r), float(dense_scores[r])) for r in rows]
        if dense and dense_floor and dense[0][1] > 0:
            dense = [(row, score) for row, score in dense if score >= dense_floor * dense[0][1]]
        return self._fuse(lexical, dense, k)

    @staticmethod
    def _floored(lexical: list[tuple[int, float]], lexical_floor: float | None) -> list[tuple[int, float]]:
        """The lexical matches scoring at least LEXICAL_FLOOR (or `lexical_floor`, if higher) of the best."""
        floor = LEXICAL_FLOOR if lexical_floor is None else max(LEXICAL_FLOOR, lexical_floor)
        if not lexical:
            return lexical
        return [(row, score) for row, score in lexical if score >= floor * lexical[0][1]]

    @staticmethod
    def _fuse(
        lexical: list[tuple[int, float]], dense: list[tuple[int, float]], k: int
    ) -> list[tuple[int, float]]:
        fused = rrf([[row for row, _ in lexical], [row for row, _ in dense]])
        return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]

    def ids(self) -> list[Hashable]:
        """Every document id in the index (any order)."""
        with self._lock:
            return list(self._row_of)

    def similarity(self, doc_id: Hashable, query_vector: np.ndarray) -> float:
        """Cosine between a stored document and a unit query vector (0.0 without an embedder)."""
        if self._dense is None:
            return 0.0
        with self._lock:
            row = self._row_of.get(doc_id)
            return 0.0 if row is None else float(self._dense.row(row) @ query_vector)

    def _lexical_ranking(self, tokens: Sequence[str], k: int, alive: np.ndarray) -> list[tuple[int, float]]:
        scores = self._lexical.scores(tokens)
        rows = top_k(scores, k, valid=alive & (scores > 0))
        return [(int(r), float(scores[r])) for r in rows]

    def _dense_ranking(self, query_vector: np.ndarray, k: int, alive: np.ndarray) -> list[tuple[int, float]]:
        assert self._dense is not None
        scores = self._dense.scores(query_vector)
        rows = top_k(scores, k, valid=alive)
        return [(int(r), float(scores[r])) for r in rows]

    def similar(
        self,
        text: str,
        k: int = 5,
        *,
        threshold: float = DUPLICATE_THRESHOLD,
        exclude: Iterable[Hashable] = (),
        text_vector: np.ndarray | None = None,
    ) -> list[tuple[Hashable, float]]:
        """Near-duplicates of `text` with similarity >= threshold, most similar first.

        Similarity is the tf-idf cosine of the segmented words with region names left out (so the same
        need published by two cities scores ~1), averaged with the embedding cosine when there is an
        embedder (so a reworded copy still scores high). Candidates come from both rankings.
        """
        if not self._row_of:
            return []
        tokens = self.analyzer.content_tokens(text)
        if text_vector is None and self._dense is not None and self.embedder is not None:
            text_vector = self.embedder.embed_passages([text])[0]
        depth = max(4 * k, 50)
        with self._lock:
            alive = self._alive()
            alive[[self._row_of[d] for d in exclude if d in self._row_of]] = False
            lexical_scores = self._lexical.scores(tokens)
            candidates = set(top_k(lexical_scores, depth, valid=alive & (lexical_scores > 0)).tolist())
            dense_scores = None
            if text_vector is not None and self._dense is not None:
                dense_scores = self._dense.scores(text_vector)
                candidates.update(top_k(dense_scores, depth, valid=alive).tolist())
            rows = sorted(candidates)
            sims = self._lexical.cosine(tokens, rows, ignore=self.analyzer.region_terms)
            if dense_scores is not None:
                sims = 0.5 * (sims + np.maximum(dense_scores[rows], 0.0))
            results = [
                (self._id_of[row], round(float(sim), 4))
                for row, sim in zip(rows, sims, strict=True)
                if sim >= threshold
            ]
        results.sort(key=lambda item: (-item[1], str(item[0])))
        return results[:k]

    def memory_bytes(self) -> int:
        """Bytes held in numpy arrays (postings, lengths, vectors); Python objects come on top."""
        dense = self._dense.memory_bytes() if self._dense is not None else 0
        return self._lexical.memory_bytes() + dense
