"""Incremental BM25 over segmented tokens, in numpy.

Why our own and not bm25s: bm25s builds a static index (add one document, rebuild everything) and its
tokenizer is for space-separated languages; the platform adds and removes one scenario at a time, and
scores are the same Okapi BM25 (Lucene idf). Measured on 120k synthetic documents by benchmarks/ai_bench.py.

Rows are numbered by the caller (`Index`), shared with the dense matrix. A removed row stays in the
postings and is masked out at query time until `compact()` renumbers the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float32)


class BM25Index:
    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._vocab: dict[str, int] = {}
        self._terms: list[str] = []  # term id -> term
        self._version = 0  # bumped by every change, for `_subset_entries`' cache
        self._subset_cache: tuple | None = None
        self._postings: list[tuple[np.ndarray, np.ndarray]] = []  # per term: rows (int32), tfs (float32)
        self._df = np.zeros(0, dtype=np.int64)  # per term id; capacity grows by doubling
        # per row: the document's term ids and term frequencies (None once removed)
        self._rows: list[tuple[np.ndarray, np.ndarray] | None] = []
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._total_length = 0.0
        self._n_alive = 0

    def __len__(self) -> int:
        return self._n_alive

    @property
    def n_rows(self) -> int:
        return len(self._rows)

    def _term_id(self, term: str) -> int:
        tid = self._vocab.get(term)
        if tid is None:
            tid = self._vocab[term] = len(self._postings)
            self._terms.append(term)
            self._postings.append((_EMPTY_I, _EMPTY_F))
            if tid >= len(self._df):
                self._df = np.concatenate([self._df, np.zeros(max(tid, 1024), dtype=np.int64)])
        return tid

    def _grow(self, n_rows: int) -> None:
        if n_rows > len(self._lengths):
            cap = max(n_rows, 2 * len(self._lengths), 64)
            self._lengths = np.resize(self._lengths, cap)
            alive = np.zeros(cap, dtype=bool)
            alive[: len(self._alive)] = self._alive
            self._alive = alive

    def add_many(self, rows: Sequence[int], token_lists: Sequence[Sequence[str]]) -> None:
        """Index documents at the given new rows (each row must be the next free one, in order)."""
        new_postings: dict[int, tuple[list[int], list[float]]] = {}
        for row, tokens in zip(rows, token_lists, strict=True):
            if row != len(self._rows):
                raise ValueError(f"row {row} is not the next free row {len(self._rows)}")
            counts = Counter(tokens)
            tids = np.fromiter((self._term_id(t) for t in counts), dtype=np.int32, count=len(counts))
            tfs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            self._rows.append((tids, tfs))
            self._grow(row + 1)
            length = float(tfs.sum())
            self._lengths[row] = length
            self._alive[row] = True
            self._total_length += length
            self._n_alive += 1
            self._version += 1
            self._df[tids] += 1
            for tid, tf in zip(tids.tolist(), tfs.tolist(), strict=True):
                bucket = new_postings.setdefault(tid, ([], []))
                bucket[0].append(row)
                bucket[1].append(tf)
        # One concatenation per touched term, so a bulk load does not copy long postings per document.
        for tid, (new_rows, new_tfs) in new_postings.items():
            old_rows, old_tfs = self._postings[tid]
            self._postings[tid] = (
                np.concatenate([old_rows, np.asarray(new_rows, dtype=np.int32)]),
                np.concatenate([old_tfs, np.asarray(new_tfs, dtype=np.float32)]),
            )

    def remove(self, row: int) -> None:
        entry = self._rows[row]
        if entry is None:
            return
        tids, tfs = entry
        self._df[tids] -= 1
        self._rows[row] = None
        self._alive[row] = False
        self._total_length -= float(tfs.sum())
        self._n_alive -= 1
        self._version += 1

    def idf(self, df: np.ndarray | float) -> np.ndarray | float:
        # Lucene's form: always positive, so a word in most documents still counts a little.
        n = self._n_alive
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def scores(self, tokens: Iterable[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (removed rows score 0)."""
        return self.scores_many([tokens])[0]

    def scores_many(
        self, token_lists: Sequence[Iterable[str]], *, only: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """`scores` for several queries; the per-row length norms are worked out once for all of them.

        With `only` (a boolean mask over the rows) just those rows are scored and the others score 0. Then
        the work goes row-wise over the allowed rows' own terms (`_scores_of_rows`) instead of along the
        query terms' postings: a long query's common words have postings in most rows, and when few rows
        can be answered, reading all of those is most of the cost.
        """
        n = self.n_rows
        if only is not None and self._n_alive:
            return self._scores_of_rows(token_lists, np.flatnonzero(only[:n] & self._alive[:n]))
        outs = [np.zeros(n, dtype=np.float32) for _ in token_lists]
        if not self._n_alive:
            return outs
        avgdl = self._total_length / self._n_alive
        norm = None
        dead = None
        for out, tokens in zip(outs, token_lists, strict=True):
            for term, qtf in Counter(tokens).items():
                tid = self._vocab.get(term)
                if tid is None or self._df[tid] <= 0:
                    continue
                if norm is None:
                    norm = self.k1 * (1.0 - self.b + self.b * self._lengths[:n] / avgdl)
                    dead = ~self._alive[:n]
                rows, tfs = self._postings[tid]
                weight = float(self.idf(float(self._df[tid]))) * qtf
                # rows are unique within one term's postings, so fancy-index += is exact.
                out[rows] += weight * tfs * (self.k1 + 1.0) / (tfs + norm[rows])
            if dead is not None:
                out[dead] = 0.0
        return outs

    def _scores_of_rows(self, token_lists: Sequence[Iterable[str]], rows: np.ndarray) -> list[np.ndarray]:
        """BM25 of the queries for the given (live) rows only, from those rows' term lists: each entry's
        tf part is computed once, then all queries at once are a lookup of their term weights (m x vocab)
        at the entries and one segmented sum per row."""
        n = self.n_rows
        out = np.zeros((len(token_lists), n), dtype=np.float32)
        if not len(rows) or not len(token_lists):
            return list(out)
        owner, tids, tf_part = self._subset_entries(rows)
        weights = np.zeros((len(token_lists), len(self._terms)), dtype=np.float32)
        for i, tokens in enumerate(token_lists):
            for term, qtf in Counter(tokens).items():
                tid = self._vocab.get(term)
                if tid is not None and self._df[tid] > 0:
                    weights[i, tid] = float(self.idf(float(self._df[tid]))) * qtf
        # Only the entries of terms some query has can score (typically a third of them).
        keep = weights.any(axis=0)[tids]
        owner, tids, tf_part = owner[keep], tids[keep], tf_part[keep]
        if not len(tids):
            return list(out)
        counts = np.bincount(owner, minlength=len(rows))
        scored = counts > 0  # rows with no such entry keep 0 (reduceat cannot sum an empty segment)
        starts = (np.cumsum(counts) - counts)[scored]
        out[:, rows[scored]] = np.add.reduceat(weights[:, tids] * tf_part, starts, axis=1)
        return list(out)

    def _subset_entries(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows' term entries laid end to end, row by row: the position in `rows` each entry belongs
        to, its term id and its BM25 tf part. The last answer is kept while the index does not change (the
        same open scenarios are asked for by one supplier after another)."""
        key = (self._version, len(rows), hash(rows.tobytes()))
        cached = self._subset_cache
        if cached is not None and cached[0] == key and np.array_equal(cached[1], rows):
            return cached[2]
        entries = [self._rows[row] for row in rows.tolist()]
        sizes = np.fromiter(map(len, (tids for tids, _ in entries)), dtype=np.int64, count=len(entries))
        tids = np.concatenate([tids for tids, _ in entries])
        tfs = np.concatenate([tfs for _, tfs in entries])
        avgdl = self._total_length / self._n_alive
        norm = self.k1 * (1.0 - self.b + self.b * self._lengths[rows] / avgdl)
        tf_part = tfs * (self.k1 + 1.0) / (tfs + np.repeat(norm, sizes))
        value = (np.repeat(np.arange(len(rows)), sizes), tids, tf_part)
        self._subset_cache = (key, rows.copy(), value)
        return value

    def _tfidf(self, tids: np.ndarray, tfs: np.ndarray) -> np.ndarray:
        return (1.0 + np.log(tfs)) * self.idf(self._df[tids].astype(np.float32))

    def cosine(self, tokens: Iterable[str], rows: Sequence[int], *, ignore: Iterable[str] = ()) -> np.ndarray:
        """tf-idf cosine between a text and each of `rows`, leaving the `ignore` words out of both sides."""
        ignored = set(ignore)
        counts = Counter(t for t in tokens if t not in ignored)
        known = {self._vocab[t]: tf for t, tf in counts.items() if t in self._vocab}
        # Words no document has still make the text different: they count in its norm with the top idf.
        unknown_weight = float(self.idf(0.0))
        unknown = [(1.0 + np.log(tf)) * unknown_weight for t, tf in counts.items() if t not in self._vocab]
        q_ids = np.array(sorted(known), dtype=np.int32)
        q_w = self._tfidf(q_ids, np.array([known[t] for t in q_ids.tolist()], dtype=np.float32))
        q_norm = float(np.sqrt((q_w * q_w).sum() + sum(w * w for w in unknown)))
        ignored_ids = np.array(sorted(self.term_ids(ignored)), dtype=np.int32)
        out = np.zeros(len(rows), dtype=np.float32)
        if q_norm == 0 or not len(q_ids):
            return out
        for i, row in enumerate(rows):
            entry = self._rows[row]
            if entry is None:
                continue
            tids, tfs = entry
            keep = ~np.isin(tids, ignored_ids)
            tids, weights = tids[keep], self._tfidf(tids[keep], tfs[keep])
            norm = float(np.sqrt((weights * weights).sum()))
            if norm == 0:
                continue
            pos = np.searchsorted(q_ids, tids).clip(0, len(q_ids) - 1)
            matched = q_ids[pos] == tids
            out[i] = float((weights[matched] * q_w[pos[matched]]).sum()) / (norm * q_norm)
        return out

    def alive_mask(self) -> np.ndarray:
        """Copy of the per-row flag: False for removed rows."""
        return self._alive[: self.n_rows].copy()

    def tokens_of(self, row: int) -> list[str]:
        """The tokens a row was indexed with, each as often as it occurred (order is not kept)."""
        entry = self._rows[row]
        if entry is None:
            return []
        return [self._terms[tid] for tid, tf in zip(*entry, strict=True) for _ in range(int(tf))]

    def term_ids(self, terms: Iterable[str]) -> set[int]:
        return {self._vocab[t] for t in terms if t in self._vocab}

    def compact(self) -> np.ndarray:
        """Drop removed rows; returns old-row -> new-row (-1 for dropped) for the caller's other arrays."""
        self._version += 1
        mapping = np.full(len(self._rows), -1, dtype=np.int64)
        kept = [row for row, entry in enumerate(self._rows) if entry is not None]
        mapping[kept] = np.arange(len(kept))
        entries = [self._rows[row] for row in kept]
        lengths = self._lengths[kept].copy()
        if entries:
            all_tids = np.concatenate([tids for tids, _ in entries])
            all_tfs = np.concatenate([tfs for _, tfs in entries])
            all_rows = np.repeat(np.arange(len(entries), dtype=np.int32), [len(t) for t, _ in entries])
            # A stable sort by term keeps each term's rows ascending, as incremental adds leave them.
            order = np.argsort(all_tids, kind="stable")
            bounds = np.searchsorted(all_tids[order], np.arange(len(self._postings) + 1))
            rows_sorted, tfs_sorted = all_rows[order], all_tfs[order]
            self._postings = [
                (rows_sorted[lo:hi], tfs_sorted[lo:hi])
                for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
            ]
        else:
            self._postings = [(_EMPTY_I, _EMPTY_F) for _ in self._postings]
        self._rows = list(entries)
        self._lengths = lengths
        self._alive = np.ones(len(entries), dtype=bool)
        return mapping

    def memory_bytes(self) -> int:
        postings = sum(r.nbytes + t.nbytes for r, t in self._postings)
        rows = sum(e[0].nbytes + e[1].nbytes for e in self._rows if e is not None)
        return postings + rows + self._lengths.nbytes + self._alive.nbytes
