"""Background work of the exchange app: checking an uploaded workbook and committing a confirmed one.

Queued with `scenariohub.core.tasks.enqueue` once the upload (or the confirmation) commits, and run by the
project's task runner (a worker thread by default, inline in tests, Celery workers in production). Tasks
take ids, reload their rows and call one service; both services are guarded by the batch's status, so a
task that runs twice does nothing the second time.
"""

CHECK = "scenariohub.exchange.tasks.check_import"
COMMIT = "scenariohub.exchange.tasks.commit_import"


def check_import(batch_id: int) -> None:
    from scenariohub.exchange.services import import_check

    import_check(batch_id=batch_id)


def commit_import(batch_id: int) -> None:
    from scenariohub.exchange.services import import_commit

    import_commit(batch_id=batch_id)
