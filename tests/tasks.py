"""Running background tasks inside a test.

Tasks go to the database queue (django-tasks-db) as in production. A test enqueues
through the code under test, then calls `run_queued_tasks()` to run them here, in this
process and this test's transaction, the way the worker runs them:

    response = secretary_client.post(url, {"mode": "all"})
    assert run_queued_tasks() == 1
"""

from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from summitdesk.correspondence.models import OutboundMessage


def run_queued_tasks(*, raise_failures: bool = True) -> int:
    """Run every ready task, those enqueued meanwhile included; returns how many ran.

    A task that raises is recorded as failed, as the worker does; with `raise_failures`
    (the default) this then raises AssertionError with the task's traceback, so that a
    test does not pass over a broken task.
    """
    # The worker's own loop closes "old" database connections, which would end the
    # test's transaction; only its way of running one task is used.
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
        if raise_failures and result.status == TaskResultStatus.FAILED:
            raise AssertionError(f"Task {result.task_path} failed:\n{result.traceback}")
    return ran


def drop_queued_emails() -> None:
    """Forget the tasks queued so far and the emails waiting in the outbox with them (not
    the letters of a mailing): a test's setup whose emails are not what it is about."""

    DBTaskResult.objects.all().delete()
    OutboundMessage.objects.filter(mailing__isnull=True).delete()
