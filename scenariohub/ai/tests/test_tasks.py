"""scenariohub.core.tasks: inline, background thread, Celery only when usable."""

import threading

import pytest

from scenariohub.core import tasks

CALLS: list = []


def record(*args):
    CALLS.append((threading.current_thread().name, args))


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.mark.django_db
def test_inline_runs_on_commit_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.enqueue("scenariohub.ai.tests.test_tasks.record", 1)
        assert CALLS == []
    assert len(callbacks) == 1
    assert CALLS == [(threading.current_thread().name, (1,))]


@pytest.mark.django_db  # the worker closes its database connections after each task
def test_thread_mode_runs_in_the_worker_once_per_pending_task(settings):
    settings.SCENARIOHUB_TASKS = "thread"
    tasks.dispatch("scenariohub.ai.tests.test_tasks.record", 7)
    tasks.wait_for_tasks()
    assert CALLS == [("scenariohub-tasks", (7,))]


@pytest.mark.django_db
def test_a_failing_task_does_not_stop_the_worker(settings, caplog):
    settings.SCENARIOHUB_TASKS = "thread"
    tasks.dispatch("scenariohub.ai.tests.test_tasks.boom")
    tasks.dispatch("scenariohub.ai.tests.test_tasks.record", 2)
    tasks.wait_for_tasks()
    assert CALLS == [("scenariohub-tasks", (2,))]
    assert "background task scenariohub.ai.tests.test_tasks.boom" in caplog.text


def boom():
    raise RuntimeError("boom")


def test_celery_without_redis_falls_back_to_the_thread(settings, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    tasks._celery_unavailable.cache_clear()
    settings.SCENARIOHUB_TASKS = "celery"
    assert tasks.task_mode() == "thread"
    settings.SCENARIOHUB_TASKS = "bogus"
    assert tasks.task_mode() == "thread"
    tasks._celery_unavailable.cache_clear()


def test_a_typo_fails_in_the_caller():
    with pytest.raises((ImportError, AttributeError)):
        tasks.enqueue("scenariohub.ai.tests.test_tasks.no_such_task")
