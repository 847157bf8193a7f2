"""A tiny background-task runner: `enqueue("package.module.function", *ids)` after the transaction commits.

Tasks are plain functions named by dotted path. They take ids (never model instances), reload their rows,
and are safe to run twice: a task may run again after a crash, or twice when two saves enqueue it.

How a task runs is chosen by the setting `SCENARIOHUB_TASKS` (read with a default; add
`SCENARIOHUB_TASKS = env_str("SCENARIOHUB_TASKS", "thread", choices=("thread", "inline", "celery"))` to
settings to configure it by environment):

- "thread" (default): one daemon worker thread per process takes tasks from a queue, so slow work
  (embedding a scenario's text) never delays the web request that caused it. A process that exits waits
  up to EXIT_DRAIN_SECONDS for queued tasks (a management command such as `seed_demo` finishes its
  indexing); what is still queued then is lost, and `scenariohub reindex` catches up (it skips what is
  current).
- "inline": run at once, in the committing thread; errors propagate. For tests and one-off scripts.
- "celery": `.delay()` on the Celery task `scenariohub.run_task`, for separate workers over Redis. Celery
  is not a dependency: this mode is used only when Celery is importable and `REDIS_URL` is set, otherwise
  tasks fall back to "thread" (with one warning in the log). A worker process registers the task by
  calling `scenariohub.core.tasks.celery_task()` once after `django.setup()` (e.g. in a `celery.py` app
  module that also does `app.config_from_object("django.conf:settings", namespace="CELERY")`).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from functools import cache
from importlib import import_module

from django.conf import settings
from django.db import close_old_connections, connections, transaction

logger = logging.getLogger(__name__)

MODES = ("thread", "inline", "celery")
CELERY_TASK_NAME = "scenariohub.run_task"
# How long an exiting process waits for its queued background tasks.
EXIT_DRAIN_SECONDS = 60.0


def task_mode() -> str:
    """The configured mode, "celery" only when Celery can actually be used."""
    mode = str(getattr(settings, "SCENARIOHUB_TASKS", "thread") or "thread").strip().lower()
    if mode not in MODES:
        logger.warning("unknown SCENARIOHUB_TASKS=%r; using 'thread'", mode)
        return "thread"
    if mode == "celery" and _celery_unavailable():
        return "thread"
    return mode


@cache
def _celery_unavailable() -> str:
    """Why Celery cannot be used ("" when it can); cached and logged once per process."""
    reason = ""
    if not os.environ.get("REDIS_URL") and not getattr(settings, "CELERY_BROKER_URL", ""):
        reason = "REDIS_URL is not set"
    else:
        try:
            import celery  # noqa: F401 - only probing that it is installed
        except ImportError:
            reason = "Celery is not installed"
    if reason:
        logger.warning("SCENARIOHUB_TASKS=celery but %s; tasks run in a background thread", reason)
    return reason


def resolve(func_path: str) -> Callable:
    module_name, _, attr = func_path.rpartition(".")
    if not module_name:
        raise ValueError(f"not a dotted path: {func_path!r}")
    return getattr(import_module(module_name), attr)


def run_task(func_path: str, *args):
    """Run one task now (what every mode finally calls)."""
    return resolve(func_path)(*args)


def enqueue(func_path: str, *args) -> None:
    """Run `func_path(*args)` once the current transaction commits (at once outside a transaction).

    Arguments must be plain values (ids, strings): they cross threads and, with Celery, processes.
    """
    resolve(func_path)  # fail now, in the caller, on a typo, rather than later in a worker
    transaction.on_commit(lambda: dispatch(func_path, *args))


def dispatch(func_path: str, *args) -> None:
    """Hand a task to the configured runner now (`enqueue` calls this on commit)."""
    mode = task_mode()
    if mode == "inline":
        run_task(func_path, *args)
    elif mode == "celery":
        celery_task().delay(func_path, *args)
    else:
        _worker().put(func_path, args)


# ---------------------------------------------------------------------------------------------- thread mode


class _Worker:
    """One daemon thread draining a FIFO queue. A task already waiting is not queued a second time."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, tuple]] = queue.Queue()
        self._pending: set[tuple[str, tuple]] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="scenariohub-tasks", daemon=True)
        self._thread.start()
        self.pid = os.getpid()

    def alive(self) -> bool:
        return self.pid == os.getpid() and self._thread.is_alive()

    def put(self, func_path: str, args: tuple) -> None:
        key = (func_path, args)
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
        self._queue.put(key)

    def join(self) -> None:
        """Wait until every queued task has run (tests and management commands)."""
        self._queue.join()

    def drain(self, seconds: float) -> bool:
        """Wait at most `seconds` for the queue to empty; True when it did."""
        deadline = time.monotonic() + seconds
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._queue.unfinished_tasks

    def _run(self) -> None:
        while True:
            key = self._queue.get()
            with self._lock:
                self._pending.discard(key)
            func_path, args = key
            try:
                close_old_connections()
                run_task(func_path, *args)
            except Exception:  # a failed task is logged; the worker lives on for the next one
                logger.exception("background task %s%r failed", func_path, args)
            finally:
                # This thread's connections would otherwise stay open between tasks (and block dropping a
                # test database); the next task opens a fresh one.
                connections.close_all()
                self._queue.task_done()


_worker_instance: _Worker | None = None
_worker_lock = threading.Lock()


def _worker() -> _Worker:
    """The process's worker, started on first use (and again in a forked child, whose threads are gone)."""
    global _worker_instance
    with _worker_lock:
        if _worker_instance is None or not _worker_instance.alive():
            _worker_instance = _Worker()
        return _worker_instance


def wait_for_tasks() -> None:
    """Block until the background thread (if started) has run everything queued so far."""
    worker = _worker_instance
    if worker is not None and worker.alive():
        worker.join()


@atexit.register
def _drain_at_exit() -> None:
    worker = _worker_instance
    if worker is not None and worker.alive() and not worker.drain(EXIT_DRAIN_SECONDS):
        logger.warning("exiting with background tasks still queued; run `scenariohub reindex` to catch up")


# ---------------------------------------------------------------------------------------------- celery mode


@cache
def celery_task():
    """The Celery task that runs any dotted path; imported only when Celery mode is used."""
    from celery import shared_task

    return shared_task(name=CELERY_TASK_NAME, ignore_result=True)(run_task)
