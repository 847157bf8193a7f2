"""Vectors in memory and in the database.

Storage: a vector is stored as bytes in a plain BinaryField so that SQLite and PostgreSQL need no
extension. The first byte names the dtype ("e" float16, "f" float32, numpy's type characters), the rest is
the little-endian array, so a row stays readable if the storage precision changes later. float16 halves
the size and changes cosine scores by ~1e-3, far below what ranking notices.

Search: `DenseMatrix` keeps unit rows in one float32 matrix (grown by doubling) and answers with a
matrix-vector product and `argpartition`; 120k x 512 is ~250 MB and a few milliseconds per query.
"""

from __future__ import annotations

import numpy as np

_DTYPES = {"e": np.dtype("<f2"), "f": np.dtype("<f4")}


def vector_to_bytes(vector: np.ndarray, *, dtype: str = "float16") -> bytes:
    """Serialise a 1-d vector; dtype is "float16" (default, half the size) or "float32"."""
    target = np.dtype(dtype).newbyteorder("<")
    code = target.char
    if code not in _DTYPES:
        raise ValueError(f"unsupported vector dtype {dtype!r}")
    array = np.asarray(vector, dtype=target).reshape(-1)
    return code.encode("ascii") + array.tobytes()


def vector_from_bytes(data: bytes | memoryview) -> np.ndarray:
    """Inverse of `vector_to_bytes`; always returns float32 (what the search matrix holds)."""
    raw = bytes(data)
    if not raw:
        raise ValueError("empty vector")
    dtype = _DTYPES.get(chr(raw[0]))
    if dtype is None or (len(raw) - 1) % dtype.itemsize:
        raise ValueError("not a serialised vector")
    return np.frombuffer(raw, dtype=dtype, offset=1).astype(np.float32)


def top_k(scores: np.ndarray, k: int, *, valid: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores, best first; rows where `valid` is False are skipped."""
    if valid is not None:
        scores = np.where(valid, scores, -np.inf)
        k = min(k, int(valid.sum()))
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    # Best first; among equal scores the lower row first (so ties come out the same in `top_k_rows`).
    return part[np.lexsort((part, -scores[part]))]


def top_k_rows(scores: np.ndarray, k: int, *, valid: np.ndarray | None = None) -> np.ndarray:
    """`top_k` of every row of an m x n score matrix at once (m x k', k' = min(k, valid rows)), best first.

    Overwrites the invalid columns of `scores` with -inf: it is the caller's throw-away matrix.
    """
    m, n = scores.shape
    if valid is not None:
        scores[:, ~valid] = -np.inf
        k = min(k, int(valid.sum()))
    k = min(k, n)
    if k <= 0 or m == 0:
        return np.zeros((m, 0), dtype=np.int64)
    if k < n:
        part = np.argpartition(scores, n - k, axis=1)[:, n - k :]
    else:
        part = np.broadcast_to(np.arange(n), (m, n))
    picked = np.take_along_axis(scores, part, axis=1)
    # Best first; among equal scores the lower row first, as `top_k`'s stable sort gives.
    order = np.lexsort((part, -picked), axis=1)
    return np.take_along_axis(part, order, axis=1)


class DenseMatrix:
    """Unit-length float32 rows addressed by row number (shared with the BM25 index)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._n = 0

    @property
    def n_rows(self) -> int:
        return self._n

    def append(self, vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        needed = self._n + len(vectors)
        if needed > len(self._matrix):
            grown = np.zeros((max(needed, 2 * len(self._matrix), 64), self.dim), dtype=np.float32)
            grown[: self._n] = self._matrix[: self._n]
            self._matrix = grown
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self._matrix[self._n : needed] = vectors / np.maximum(norms, 1e-12)
        self._n = needed

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of the (unit) query with every row."""
        return self._matrix[: self._n] @ np.asarray(query, dtype=np.float32).reshape(self.dim)

    def scores_many(self, queries: np.ndarray) -> np.ndarray:
        """Cosines of m (unit) queries with every row, as an m x n array: one pass over the matrix."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dim)
        return queries @ self._matrix[: self._n].T

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """A copy of the given rows, in that order."""
        return self._matrix[rows]

    def row(self, row: int) -> np.ndarray:
        return self._matrix[row]

    def compact(self, mapping: np.ndarray) -> None:
        """Keep the rows that `mapping` (old -> new, -1 dropped) keeps, renumbered."""
        kept = np.flatnonzero(mapping[: self._n] >= 0)
        self._matrix = self._matrix[kept].copy()
        self._n = len(kept)

    def memory_bytes(self) -> int:
        return self._matrix.nbytes
