"""Import jobs, the upload page's steps: preview, confirm (queue), run in the background.

`create_job` keeps an uploaded file and queues its preview; `preview_job` (the task
`directory.tasks.preview_import_job`) reads and checks it in the worker, reporting its
progress on the job, and keeps a dry run's report for the person to confirm: a large
workbook never holds a web process. `confirm_job` queues the import for the worker,
`discard_job` forgets the file; `run_job` imports it (the task
`directory.tasks.run_import_job`); `requeue_stalled_jobs` enqueues again what a dead
worker left behind.
"""

from datetime import timedelta
from pathlib import PurePath

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.directory import tasks
from summitdesk.directory.imports.checking import check_rows
from summitdesk.directory.imports.planning import plan_import
from summitdesk.directory.imports.reading import read_file
from summitdesk.directory.imports.results import CHECKING, READING, FileError
from summitdesk.directory.imports.writing import apply_plan
from summitdesk.directory.models import ImportJob, ImportJobStatus
from summitdesk.directory.services import DirectoryError


def create_job(content: bytes, filename: str, *, actor: Actor) -> ImportJob:
    """Keep an uploaded file and queue its preview (in the same transaction)."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            uploaded_by=actor.user,
            filename=PurePath(filename).name[-255:],
            content=content,
            status=ImportJobStatus.PREVIEWING,
            queued_at=timezone.now(),
        )
        job.task_id = str(tasks.preview_import_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def preview_job(job_id: int) -> None:
    """Read and check a kept file and keep what importing it would do; a job no longer
    waiting for its preview (discarded, or previewed by another worker) is left alone.

    The rows read, then checked, are recorded on the job as they go, for its page. A file
    that cannot be read fails the job with the reason, and is forgotten.
    """
    job = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.PREVIEWING).first()
    if job is None:
        return
    waiting = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.PREVIEWING)
    waiting.update(started_at=timezone.now(), rows_done=0, rows_total=0)
    actor = (
        Actor.staff(job.uploaded_by, Channel.IMPORT)
        if job.uploaded_by is not None
        else Actor.system("import", Channel.IMPORT)
    )

    def progress(stage: str, done: int, total: int) -> None:
        if stage in (READING, CHECKING):
            waiting.update(rows_done=done, rows_total=total)

    try:
        source = read_file(bytes(job.content), job.filename, progress=progress)
        checked = check_rows(source, progress=progress)
        # No transaction, as for any dry run: on SQLite it would hold the write lock.
        preview = apply_plan(plan_import(checked), actor=actor, only_valid=False, dry_run=True)
    except Exception as error:
        waiting.update(
            status=ImportJobStatus.FAILED,
            error=str(error)
            if isinstance(error, FileError)
            else _("The file could not be checked because of an unexpected error."),
            content=b"",
            finished_at=timezone.now(),
        )
        if not isinstance(error, FileError):
            raise
        return
    waiting.update(
        status=ImportJobStatus.PREVIEWED,
        preview=preview.as_dict(),
        rows_total=preview.total_rows,
        rows_done=0,
        started_at=None,
    )


def confirm_job(job: ImportJob, *, only_valid: bool, actor: Actor) -> None:
    """Queue a previewed import for the background worker (in the same transaction)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == ImportJobStatus.PREVIEWING:
            raise DirectoryError(_("The file is still being checked: wait for its preview."))
        if locked.status != ImportJobStatus.PREVIEWED:
            raise DirectoryError(_("This import has already been confirmed."))
        result = tasks.run_import_job.enqueue(locked.pk)
        locked.status = ImportJobStatus.QUEUED
        locked.only_valid = only_valid
        locked.confirmed_by = actor.user
        locked.queued_at = timezone.now()
        locked.task_id = str(result.id)
        locked.save()
    job.refresh_from_db()


def discard_job(job: ImportJob) -> None:
    """Forget a file, previewed or still being checked, that the person decided not to
    import."""
    deleted, _by_model = ImportJob.objects.filter(
        pk=job.pk, status__in=(ImportJobStatus.PREVIEWING, ImportJobStatus.PREVIEWED)
    ).delete()
    if not deleted:
        raise DirectoryError(_("This import has already been confirmed."))


def run_job(job_id: int) -> None:
    """Import a confirmed job's file; a job already done (or gone) is left alone.

    The import and the job's "done" are committed together, so a job run again after its
    worker died imports the file again from the start, never half of it twice.
    """
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        return
    jobs = ImportJob.objects.filter(pk=job_id)
    jobs.update(status=ImportJobStatus.RUNNING, started_at=timezone.now(), rows_done=0)
    user = job.confirmed_by or job.uploaded_by
    actor = (
        Actor.staff(user, Channel.IMPORT)
        if user is not None
        else Actor.system("import", Channel.IMPORT)
    )

    def progress(stage: str, done: int, total: int) -> None:
        # Only checking is visible from outside: writing happens in one transaction.
        if stage == CHECKING:
            jobs.update(rows_done=done, rows_total=total)

    try:
        checked = check_rows(read_file(bytes(job.content), job.filename), progress=progress)
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job_id)
            if locked.status == ImportJobStatus.DONE:  # another worker finished it meanwhile
                return
            plan = plan_import(checked)
            report = apply_plan(plan, actor=actor, only_valid=job.only_valid)
            locked.status = ImportJobStatus.DONE
            locked.report = report.as_dict()
            locked.rows_done = locked.rows_total = report.total_rows
            locked.finished_at = timezone.now()
            locked.content = b""
            locked.save()
    except Exception as error:
        # Never over a job that another worker finished meanwhile.
        jobs.exclude(status=ImportJobStatus.DONE).update(
            status=ImportJobStatus.FAILED,
            error=str(error)
            if isinstance(error, FileError)
            else _("The import stopped on an unexpected error; nothing was written."),
            finished_at=timezone.now(),
        )
        if not isinstance(error, FileError):
            raise


def requeue_stalled_jobs(*, older_than: timedelta = timedelta(minutes=30)) -> int:
    """Enqueue again the jobs that a dead worker left queued or running; for a periodic sweep.

    The database queue never gives back a task whose worker was killed. Running a job
    twice is harmless (see `run_job`), so a job still running after `older_than` (ten
    thousand rows take seconds) is simply enqueued again. Returns how many were.
    """
    cutoff = timezone.now() - older_than
    count = 0
    previews = ImportJob.objects.filter(
        status=ImportJobStatus.PREVIEWING, queued_at__lt=cutoff
    ).values_list("pk", flat=True)
    for job_id in previews:
        with transaction.atomic():
            result = tasks.preview_import_job.enqueue(job_id)
            ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.PREVIEWING).update(
                queued_at=timezone.now(), task_id=str(result.id)
            )
        count += 1
    stalled = ImportJob.objects.filter(
        models.Q(status=ImportJobStatus.QUEUED, queued_at__lt=cutoff)
        | models.Q(status=ImportJobStatus.RUNNING, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    for job_id in stalled:
        with transaction.atomic():
            result = tasks.run_import_job.enqueue(job_id)
            # Queued anew, so that the next sweep leaves it to this run for a while.
            ImportJob.objects.filter(pk=job_id).exclude(status=ImportJobStatus.DONE).update(
                status=ImportJobStatus.QUEUED, queued_at=timezone.now(), task_id=str(result.id)
            )
        count += 1
    return count
