"""Exports: asking for one, writing it, keeping it for a week, purging it.

Every export, however it is delivered, is recorded as an `ExportJob` with one audit entry
(`summitdesk.export.created`: who, which kind, which filters, how many rows), written when
it is asked for:

- `deliver_export`: up to DIRECT_MAX_ROWS rows, written straight to the browser or a file;
  the record's status is "delivered" and no copy is kept.
- `start_export`: more rows; the record is a job queued for a worker in the same
  transaction (`exports.tasks.run_export_task` calls `run_export_job`), which writes the
  file to the default storage, reporting its progress on the job's row. The file is kept
  KEPT_FOR (a week), then `purge_expired_exports` (a periodic job) deletes it and the row.

Only the person who asked for a job, or an administrator, may see it or download its file
(`visible_jobs`).
"""

import logging
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import User
from summitdesk.exports import tasks
from summitdesk.exports.kinds import Column, ExportError, Filters, Kind, get_kind, parse_filters
from summitdesk.exports.models import ExportJob, ExportStatus
from summitdesk.exports.writers import WRITERS, check_rows, write_xlsx

logger = logging.getLogger(__name__)

#: Exports of at most this many rows are written directly; larger ones become jobs.
DIRECT_MAX_ROWS = 5000
#: How long a job's file is kept for its owner to download.
KEPT_FOR = timedelta(days=7)
#: Folder of the stored files; each job gets a sub-folder named by a random token.
FOLDER = "exports"
#: A job queued or running for longer than this was left by a dead worker.
STALLED_AFTER = timedelta(minutes=30)
#: Seconds between two progress updates of a job's row.
PROGRESS_EVERY = 0.5

Progress = Callable[[int], None]


def columns(kind: Kind, *, identity: bool) -> tuple[list[Column], list[str]]:
    """The kind's columns and their headers in the active language."""
    chosen = kind.columns(identity)
    return chosen, [str(column.header) for column in chosen]


def write_export(
    kind: Kind,
    filters: Filters,
    export_format: str,
    out: IO[bytes],
    *,
    identity: bool,
    progress: Progress | None = None,
) -> int:
    """Write the export to `out`, row by row; returns the number of rows written."""
    chosen, header = columns(kind, identity=identity)
    cells = kind.cells(filters, chosen)
    if export_format == "xlsx":
        return write_xlsx(out, header, cells, progress, sheet_name=str(kind.title))
    return WRITERS[export_format](out, header, cells, progress)


def filename(kind: Kind, filters: Filters, export_format: str, when: datetime) -> str:
    meeting = slugify(filters.meeting.code) if filters.meeting is not None else ""
    stamp = timezone.localtime(when).strftime("%Y%m%d-%H%M")
    return "-".join(part for part in (kind.name, meeting, stamp) if part) + f".{export_format}"


def _record(
    kind: Kind,
    filters: Filters,
    export_format: str,
    *,
    identity: bool,
    rows: int,
    status: ExportStatus,
    actor: Actor,
) -> ExportJob:
    now = timezone.now()
    job = ExportJob.objects.create(
        kind=kind.name,
        format=export_format,
        filters=filters.as_data(),
        identity=identity,
        language=translation.get_language() or "en",
        status=status,
        total=rows,
        done=rows if status == ExportStatus.DELIVERED else 0,
        filename=filename(kind, filters, export_format, now),
        created_by=actor.user,
        expires_at=now + KEPT_FOR,
        finished_at=now if status == ExportStatus.DELIVERED else None,
        queued_at=now if status == ExportStatus.QUEUED else None,
    )
    summary = filters.summary()
    audit.record(
        job,
        "summitdesk.export.created",
        actor=actor,
        changes={
            "kind": [None, kind.name],
            "format": [None, export_format],
            "filters": [None, job.filters],
            "identity": [None, identity],
            "rows": [None, rows],
        },
        note=f"{kind.name}, {export_format}, {rows} rows" + (f"; {summary}" if summary else ""),
    )
    return job


def deliver_export(
    kind: Kind, filters: Filters, export_format: str, *, identity: bool, rows: int, actor: Actor
) -> ExportJob:
    """Record an export written directly (the caller writes it with `write_export`).

    Raises TooManyRows (an ExportError) for more rows than an XLSX sheet holds."""
    check_rows(export_format, rows)
    with transaction.atomic():
        return _record(
            kind,
            filters,
            export_format,
            identity=identity,
            rows=rows,
            status=ExportStatus.DELIVERED,
            actor=actor,
        )


def start_export(
    kind: Kind, filters: Filters, export_format: str, *, identity: bool, rows: int, actor: Actor
) -> ExportJob:
    """Record a large export and queue it for a worker, in one transaction.

    Raises TooManyRows (an ExportError) for more rows than an XLSX sheet holds."""
    check_rows(export_format, rows)
    with transaction.atomic():
        job = _record(
            kind,
            filters,
            export_format,
            identity=identity,
            rows=rows,
            status=ExportStatus.QUEUED,
            actor=actor,
        )
        tasks.run_export_task.enqueue(job.pk)
    return job


def run_export_job(job_id: int) -> ExportJob | None:
    """Write a queued job's file; a job finished (or gone) meanwhile is left alone.

    Running it again (a worker died half way) writes the file again from the start, in a
    new folder, after removing what the earlier attempt stored.
    """
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or not job.running:
        return job
    jobs = ExportJob.objects.filter(pk=job_id)
    jobs.update(status=ExportStatus.RUNNING, started_at=timezone.now(), done=0)
    if job.file:
        _remove(job.file)
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY:
            jobs.update(done=done)
            last = time.monotonic()

    try:
        with translation.override(job.language):
            kind = get_kind(job.kind)
            filters = parse_filters(kind, job.filters)
            with tempfile.TemporaryFile() as scratch:
                rows = write_export(
                    kind, filters, job.format, scratch, identity=job.identity, progress=progress
                )
                scratch.seek(0)
                name = default_storage.save(
                    f"{FOLDER}/{secrets.token_urlsafe(16)}/{job.filename}", File(scratch)
                )
    except Exception as error:
        jobs.filter(status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED,
            error=str(error)
            if isinstance(error, ExportError)
            else _("The export stopped on an unexpected error."),
            finished_at=timezone.now(),
        )
        if not isinstance(error, ExportError):
            raise
    else:
        updated = jobs.filter(status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE,
            file=name,
            done=rows,
            total=rows,
            finished_at=timezone.now(),
            expires_at=timezone.now() + KEPT_FOR,
        )
        if not updated:  # purged or finished by another worker meanwhile
            _remove(name)
    return ExportJob.objects.filter(pk=job_id).first()


def _remove(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Could not remove the export file %s", name)


def purge_expired_exports(*, now: datetime | None = None, actor: Actor) -> int:
    """Delete the jobs past their expiry and their files; returns how many were deleted.

    Side effects: one audit entry per job (`summitdesk.export.purged`), files removed
    from the default storage after the rows are gone.
    """
    expired = ExportJob.objects.filter(expires_at__lte=now or timezone.now())
    files = []
    count = 0
    for job in expired.exclude(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]):
        with transaction.atomic():
            audit.record(job, "summitdesk.export.purged", actor=actor, note=job.filename)
            ExportJob.objects.filter(pk=job.pk).delete()
        if job.file:
            files.append(job.file)
        count += 1
    for name in files:
        _remove(name)
    return count


def requeue_stalled_exports(*, now: datetime | None = None) -> int:
    """Queue again the jobs a dead worker left behind (running them twice is harmless)."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = ExportJob.objects.filter(
        models.Q(status=ExportStatus.QUEUED, queued_at__lt=cutoff)
        | models.Q(status=ExportStatus.RUNNING, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    count = 0
    for pk in stalled:
        with transaction.atomic():
            ExportJob.objects.filter(pk=pk).update(
                status=ExportStatus.QUEUED, queued_at=timezone.now()
            )
            tasks.run_export_task.enqueue(pk)
        count += 1
    return count


def visible_jobs(user: User) -> models.QuerySet[ExportJob]:
    """The jobs `user` may see and download: their own, or every one for an administrator."""
    jobs = ExportJob.objects.select_related("created_by")
    return jobs if user.is_administrator else jobs.filter(created_by=user)
