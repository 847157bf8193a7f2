"""The process-wide engine: one analyzer, one embedder, one taxonomy classifier, built lazily.

Models load once per process (gunicorn worker, Celery worker, test session), on first use rather than at
import, so `manage.py migrate` and the admin never pay for them.
"""

from __future__ import annotations

import threading
from functools import cached_property

from .classify import Classifier
from .embedders import DEFAULT_SPEC, Embedder, EmbedderStatus, load_embedder
from .index import Index
from .text import Analyzer, get_analyzer


def configured_spec() -> str:
    """`settings.SCENARIOHUB_EMBEDDER`, or the default when unset or when Django is not configured."""
    try:
        from django.conf import settings

        return str(getattr(settings, "SCENARIOHUB_EMBEDDER", DEFAULT_SPEC) or DEFAULT_SPEC)
    except Exception:  # settings not configured: scripts and pure tests use the default
        return DEFAULT_SPEC


class Engine:
    def __init__(self, *, embedder_spec: str | None = None) -> None:
        self.analyzer: Analyzer = get_analyzer()
        self.embedder: Embedder | None
        self.embedder, self.status = load_embedder(embedder_spec or configured_spec())

    @cached_property
    def classifier(self) -> Classifier:
        """Taxonomy-only until `fit_classifier` is called with the platform's labelled scenarios."""
        return Classifier(analyzer=self.analyzer, embedder=self.embedder)

    def new_index(self) -> Index:
        """An empty index that uses this engine's analyzer and embedder."""
        return Index(analyzer=self.analyzer, embedder=self.embedder)

    def status_dict(self) -> dict:
        return self.status.as_dict() | {"mode": "hybrid" if self.embedder is not None else "lexical"}


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine, built on first call from `settings.SCENARIOHUB_EMBEDDER`."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def reset_engine() -> None:
    """Forget the engine (tests, or after changing the setting); the next call rebuilds it."""
    global _engine
    with _engine_lock:
        _engine = None


def engine_status() -> dict:
    """For the admin status page: {"embedder", "spec", "available", "reason", "dim", "mode"}."""
    return get_engine().status_dict()


__all__ = ["Engine", "EmbedderStatus", "engine_status", "get_engine", "reset_engine"]
