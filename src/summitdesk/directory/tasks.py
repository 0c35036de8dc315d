"""Background tasks of the directory: thin wrappers that take ids (see the imports package)."""

from datetime import timedelta

from django_tasks import task

from summitdesk.core.periodic import periodic
from summitdesk.directory import imports


@task()
def preview_import_job(job_id: int) -> None:
    """Read and check an uploaded file, keeping what importing it would do."""
    imports.preview_job(job_id)


@task()
def run_import_job(job_id: int) -> None:
    """Import a confirmed file; running it twice is harmless (a finished job is left alone)."""
    imports.run_job(job_id)


@periodic("requeue-stalled-imports", every=timedelta(minutes=10))
@task()
def requeue_stalled_imports() -> None:
    """A worker killed mid-import (or mid-preview) leaves its job for ever: enqueue it
    again."""
    imports.requeue_stalled_jobs()
