"""Background tasks of the directory: thin wrappers that take ids (see the imports package)."""

from datetime import timedelta

from django_tasks import task

from summitdesk.core.periodic import periodic


@task()
def run_import_job(job_id: int) -> None:
    """Import a confirmed file; running it twice is harmless (a finished job is left alone)."""
    from summitdesk.directory import imports  # the imports package enqueues this task

    imports.run_job(job_id)


@periodic("requeue-stalled-imports", every=timedelta(minutes=10))
@task()
def requeue_stalled_imports() -> None:
    """A worker killed mid-import leaves its job running for ever: enqueue it again."""
    from summitdesk.directory import imports

    imports.requeue_stalled_jobs()
