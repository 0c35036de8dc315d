"""Badge print runs: a selection of approved accreditations printed in one go.

`start_print_run` records the run and enqueues its task in the same transaction;
`run_print_run` (the task's body, and the `print-badges` command's) renders the badges in
PDFs of at most CHUNK_SIZE badges, placed as the run's layout says (accreditation.layouts)
and drawn in the meeting's own design when it has one (accreditation.badge_templates: a
design that fails fails the run, with Typst's message, not the worker), stores each PDF
and then a ZIP of them all through the default storage under a folder named by a random
token, and marks each accreditation's printed version and time. Printing is not
attendance: nothing else about the accreditation changes.

Running a run again is safe: a finished run is left alone; a run that failed, or that a
dead worker left half done, starts again from the beginning in a new folder, after
removing the files the earlier attempt stored. Badges are marked printed in the
transaction that marks the run done, so a run that stopped half way printed nothing.
"""

import logging
import multiprocessing
import os
import secrets
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from summitdesk.accreditation import badge_templates, completeness, tasks
from summitdesk.accreditation.badges import (
    TEMPLATE,
    BadgeError,
    badge_documents,
    render_badges,
    sheet_data,
)
from summitdesk.accreditation.enums import AccreditationStatus, BadgeLayout, PrintRunStatus
from summitdesk.accreditation.layouts import LayoutError, check_offsets
from summitdesk.accreditation.models import Accreditation, PrintRun
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib.documents import DocumentError, render_pdf
from summitdesk.lib.locales import join_list
from summitdesk.meetings.models import Meeting

logger = logging.getLogger(__name__)

#: Badges in one PDF at most.
CHUNK_SIZE = 1000
#: A run of at least this many badges renders each PDF in a fresh child process; smaller
#: runs render here. Typst keeps every image it has decoded for the life of its process
#: (about 0.5 MB for a 350 x 450 photo, 1.9 MB at 700 x 900), so a worker rendering ten
#: thousand photos in-process would grow by gigabytes; a child per PDF gives it all back.
CHILD_PROCESS_FROM = 200
#: Child processes rendering at once. One: its PDF is rendered while this process reads
#: the next chunk's rows and photos, and memory stays at one chunk's worth (under 1 GB).
RENDER_PROCESSES = 1
#: Folder of the stored files; each run gets a sub-folder named by a random token.
FOLDER = "print-runs"

Progress = Callable[[int, int], None]


def printable_accreditations(meeting: Meeting) -> models.QuerySet[Accreditation]:
    """The accreditations of `meeting` that have a badge to print (approved, numbered, not
    online only: an online participant has no badge)."""
    return (
        Accreditation.objects.filter(
            meeting=meeting,
            status=AccreditationStatus.APPROVED,
            badge_version__gt=0,
            delegate__online=False,
        )
        .exclude(badge_number="")
        .order_by("delegate__family_name", "delegate__given_name", "id")
    )


def unprinted(queryset: models.QuerySet[Accreditation]) -> models.QuerySet[Accreditation]:
    """Those whose current badge version has not been printed yet."""
    return queryset.filter(badge_printed_version__lt=models.F("badge_version"))


def create_print_run(
    meeting: Meeting,
    accreditation_ids: Sequence[int],
    *,
    actor: Actor,
    layout: str = BadgeLayout.CARD,
    offset_top: Decimal = Decimal(0),
    offset_left: Decimal = Decimal(0),
    skip_incomplete: bool = False,
) -> PrintRun:
    """Record a run for those of `accreditation_ids` that are printable, in the given order,
    to be printed in `layout`, moved by the offsets (mm).

    The incomplete ones (no photo or identity data) are left out when `skip_incomplete`
    or when the meeting's printing requires them complete. Raises BadgeError when none is
    printable, or the layout or offsets cannot be used.
    """
    try:
        check_offsets(layout, offset_top=offset_top, offset_left=offset_left)
    except LayoutError as error:
        raise BadgeError(str(error)) from error
    wanted = list(dict.fromkeys(int(pk) for pk in accreditation_ids))
    allowed = set(
        printable_accreditations(meeting).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    ids = [pk for pk in wanted if pk in allowed]
    if not ids:
        raise BadgeError(_("None of the chosen accreditations has a badge to print."))
    if skip_incomplete or meeting.printing_requires_identity:
        complete = set(
            Accreditation.objects.filter(pk__in=ids)
            .filter(completeness.READY)
            .values_list("pk", flat=True)
        )
        if not complete:
            raise BadgeError(_incomplete_refusal(ids))
        ids = [pk for pk in ids if pk in complete]
    run = PrintRun.objects.create(
        meeting=meeting,
        accreditation_ids=ids,
        total=len(ids),
        created_by=actor.user,
        layout=layout,
        offset_top=offset_top,
        offset_left=offset_left,
    )
    audit.record(
        run,
        "print_run_started",
        actor=actor,
        note=f"{len(ids)} badges, {layout}, offsets {offset_top}/{offset_left} mm",
    )
    return run


def _incomplete_refusal(ids: list[int]) -> str:
    if len(ids) == 1:
        accreditation = Accreditation.objects.select_related("delegate").get(pk=ids[0])
        return _("The badge of %(delegate)s is not printed; missing: %(missing)s.") % {
            "delegate": accreditation.delegate,
            "missing": join_list(completeness.missing_for_badge(accreditation)),
        }
    return _("None of the chosen badges is printed: each lacks the photo or identity data.")


def start_print_run(
    meeting: Meeting,
    accreditation_ids: Sequence[int],
    *,
    actor: Actor,
    layout: str = BadgeLayout.CARD,
    offset_top: Decimal = Decimal(0),
    offset_left: Decimal = Decimal(0),
    skip_incomplete: bool = False,
) -> PrintRun:
    """Record a run and enqueue its task for a worker, in one transaction."""
    with transaction.atomic():
        run = create_print_run(
            meeting,
            accreditation_ids,
            actor=actor,
            layout=layout,
            offset_top=offset_top,
            offset_left=offset_left,
            skip_incomplete=skip_incomplete,
        )
        tasks.print_badges_task.enqueue(run.pk)
    return run


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _file_stem(run: PrintRun) -> str:
    return f"badges-{slugify(run.meeting.code) or 'meeting'}-{run.pk}"


def _remove_files(names: Sequence[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not remove %s from an earlier print attempt", name)


def _mark_printed(printed: list[tuple[int, int]], when: datetime) -> None:
    """Record (accreditation id, badge version) pairs as printed at `when`.

    Grouped by the version printed: a badge reissued meanwhile stays unprinted.
    """
    by_version: dict[int, list[int]] = defaultdict(list)
    for pk, version in printed:
        by_version[version].append(pk)
    for version, ids in by_version.items():
        for start in range(0, len(ids), CHUNK_SIZE):
            Accreditation.objects.filter(
                pk__in=ids[start : start + CHUNK_SIZE], badge_version=version
            ).update(badge_printed_version=version, badge_printed_at=when)


def _load(meeting: Meeting, chunk: list[int]) -> list[Accreditation]:
    """The chunk's accreditations in the run's order; one revoked meanwhile is left out."""
    found = {
        accreditation.pk: accreditation
        for accreditation in printable_accreditations(meeting)
        .filter(pk__in=chunk)
        .select_related("delegate__reply__organisation", "meeting")
    }
    return [found[pk] for pk in chunk if pk in found]


def _render(
    run: PrintRun,
    pool: Executor | None,
    design: str | None,
    accreditations: list[Accreditation],
) -> Callable[[], bytes]:
    """What gives the chunk's PDF. In the meeting's own design (`design`), always in a
    child process (see badge_templates); in the built-in one, in a child process when
    there is a pool, here when asked for without one. Rendering starts now in a pool."""
    if not accreditations:
        return lambda: b""
    layout, top, left = run.layout, run.offset_top, run.offset_left
    if pool is not None:
        data, files = badge_documents(accreditations)
        document = sheet_data(data, layout=layout, offset_top=top, offset_left=left)
        future: Future[bytes] = (
            pool.submit(badge_templates.render_with_template, design, document, files)
            if design is not None
            else pool.submit(render_pdf, TEMPLATE, document, files=files)
        )
        return future.result
    return lambda: render_badges(accreditations, layout=layout, offset_top=top, offset_left=left)


def _finish(
    runs: models.QuerySet[PrintRun],
    folder: str,
    stem: str,
    chunk_count: int,
    files: list[str],
    printed: list[tuple[int, int]],
    done: int,
    number: int,
    accreditations: list[Accreditation],
    rendering: Callable[[], bytes],
    chunk_length: int,
) -> int:
    """Store a chunk's PDF and record the progress; returns `done`. Its badges are marked
    printed when the whole run is done, together with the run's status."""
    pdf = rendering()
    if accreditations:
        suffix = f"-{number:0{len(str(chunk_count))}d}" if chunk_count > 1 else ""
        files.append(default_storage.save(f"{folder}/{stem}{suffix}.pdf", ContentFile(pdf)))
        printed.extend((item.pk, item.badge_version) for item in accreditations)
    done += chunk_length
    runs.update(done=done, files=files)
    return done


def _zip(run_folder: str, stem: str, pdf_names: list[str]) -> str:
    """A ZIP of the run's PDFs, written through a temporary file (memory stays flat)."""
    with tempfile.TemporaryFile() as spool:
        # PDFs are compressed already: stored, not deflated again.
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for name in pdf_names:
                with (
                    default_storage.open(name, "rb") as source,
                    archive.open(os.path.basename(name), "w", force_zip64=True) as target,
                ):
                    shutil.copyfileobj(source, target, 1 << 20)
        spool.seek(0)
        return default_storage.save(f"{run_folder}/{stem}.zip", File(spool))


def run_print_run(
    run_id: int, *, progress: Progress | None = None, chunk_size: int | None = None
) -> PrintRun | None:
    """Print a run's badges; a finished (or missing) run is left alone. Returns the run.

    Side effects: PDFs and a ZIP in the default storage, the run's progress and files,
    each printed accreditation's `badge_printed_version` and `badge_printed_at`.
    """
    size = chunk_size or CHUNK_SIZE
    with transaction.atomic():
        run = PrintRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == PrintRunStatus.DONE:
            return run
        earlier_files = list(run.files)
        run.status = PrintRunStatus.RUNNING
        run.done = 0
        run.files = []
        run.error = ""
        run.finished_at = None
        run.save(update_fields=["status", "done", "files", "error", "finished_at"])
    _remove_files(earlier_files)
    runs = PrintRun.objects.filter(pk=run_id)
    meeting = Meeting.objects.get(pk=run.meeting_id)
    run.meeting = meeting
    folder = f"{FOLDER}/{secrets.token_urlsafe(24)}"
    stem = _file_stem(run)
    ids = [int(pk) for pk in run.accreditation_ids]
    total = len(ids)
    files: list[str] = []
    printed: list[tuple[int, int]] = []
    done = 0
    design: str | None = None
    try:
        runs.update(total=total)
        if progress:
            progress(0, total)
        chunk_count = (total + size - 1) // size
        design = badge_templates.template_source(run.meeting_id)
        with ExitStack() as stack:
            pool: Executor | None = None
            if design is not None:
                # Each PDF renders in a child process of its own (render_isolated); the
                # thread waits for it while this one prepares the next chunk.
                pool = stack.enter_context(ThreadPoolExecutor(max_workers=RENDER_PROCESSES))
            elif total >= CHILD_PROCESS_FROM:
                pool = stack.enter_context(
                    ProcessPoolExecutor(
                        max_workers=RENDER_PROCESSES,
                        mp_context=multiprocessing.get_context("spawn"),
                        max_tasks_per_child=1,
                    )
                )
            pending: tuple[int, list[Accreditation], Callable[[], bytes], int] | None = None
            for number, chunk in enumerate(_chunks(ids, size), start=1):
                accreditations = _load(meeting, chunk)
                rendering = _render(run, pool, design, accreditations)
                if pending is not None:
                    done = _finish(runs, folder, stem, chunk_count, files, printed, done, *pending)
                    if progress:
                        progress(done, total)
                pending = (number, accreditations, rendering, len(chunk))
            if pending is not None:
                done = _finish(runs, folder, stem, chunk_count, files, printed, done, *pending)
                if progress:
                    progress(done, total)
        if files:
            files.append(_zip(folder, stem, files))
        with transaction.atomic():
            # Printed only once every file is stored: a run that stops half way has
            # printed nothing, and "not yet printed" still finds its badges.
            finished = timezone.now()
            _mark_printed(printed, finished)
            runs.update(status=PrintRunStatus.DONE, done=total, files=files, finished_at=finished)
    except Exception as error:
        if design is not None and isinstance(error, DocumentError):
            # The meeting's own design failed on this run's badges: the run fails with
            # Typst's report, and the worker goes on with other tasks.
            message = _("The meeting's badge template failed: %(error)s") % {"error": error.message}
            message = f"{message}\n\n{error.diagnostic}".strip()
            logger.warning("Print run %s failed in its badge template: %s", run_id, message)
        else:
            message = _("Printing stopped on an unexpected error: %(error)s") % {"error": error}
        runs.exclude(status=PrintRunStatus.DONE).update(
            status=PrintRunStatus.FAILED,
            error=message,
            files=files,
            finished_at=timezone.now(),
        )
        if design is None or not isinstance(error, DocumentError):
            raise
    run.refresh_from_db()
    return run


def retry_print_run(run: PrintRun) -> bool:
    """Enqueue a failed run again (from the start); False when it has not failed."""
    with transaction.atomic():
        queued = PrintRun.objects.filter(pk=run.pk, status=PrintRunStatus.FAILED).update(
            status=PrintRunStatus.QUEUED, error="", finished_at=None
        )
        if queued:
            tasks.print_badges_task.enqueue(run.pk)
    return bool(queued)


def requeue_stalled_runs(*, older_than: timedelta = timedelta(minutes=30)) -> int:
    """Enqueue again runs that a dead worker left queued or printing; returns how many."""
    cutoff = timezone.now() - older_than
    stalled = PrintRun.objects.filter(
        status__in=[PrintRunStatus.QUEUED, PrintRunStatus.RUNNING], created_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for run_id in stalled:
        tasks.print_badges_task.enqueue(run_id)
        count += 1
    return count
