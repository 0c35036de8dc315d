"""`summitdesk worker`: runs queued background tasks and the periodic jobs."""

import logging
import math
import threading
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from summitdesk.core.periodic import run_due_jobs

logger = logging.getLogger("summitdesk.worker")

# How often the periodic jobs are checked. Jobs come round daily or hourly; half a minute
# late is on time, and the check is one small query per job.
SCHEDULE_EVERY = 30.0


def seconds(value: str) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ArgumentTypeError(_("Give a number of seconds, zero or more."))
    return number


class CountingWorker(Worker):
    """The database worker, counting the tasks that failed."""

    failed = 0

    def run_task(self, db_task_result: DBTaskResult[..., Any]) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            self.failed += 1


class Scheduler(threading.Thread):
    """Checks the periodic jobs every `every` seconds, beside the worker, until stopped."""

    def __init__(self, every: float) -> None:
        super().__init__(name="periodic-jobs", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                close_old_connections()
                try:
                    for name in run_due_jobs(timezone.now()):
                        logger.info("Periodic job %s enqueued", name)
                except Exception:
                    # A database hiccup must not end the schedule: the next check retries.
                    logger.exception("Checking the periodic jobs failed")
                self.stopped.wait(self.every)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


class Command(BaseCommand):
    help = _(
        "Run queued background tasks and the periodic jobs (no cron needed). Several "
        "workers may run on several hosts: each task and each periodic job runs once. "
        "Ctrl-C or SIGTERM stops after the current task. "
        "Exit codes: 0 stopped cleanly, or with --once every task succeeded; 1 failure or "
        "forced stop; 3 with --once, some tasks failed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=seconds,
            default=1.0,
            help=_("Seconds to wait before looking again when the queue is empty (default 1)."),
        )
        parser.add_argument(
            "--queue",
            default=DEFAULT_TASK_QUEUE_NAME,
            help=_(
                'Queues to take tasks from, separated by commas, or "*" for all (default: %(q)s).'
            )
            % {"q": DEFAULT_TASK_QUEUE_NAME},
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help=_("Enqueue the periodic jobs that are due, run every queued task, then exit."),
        )

    def handle(self, *args: Any, interval: float, queue: str, once: bool, **options: Any) -> None:
        level = logging.INFO if options["verbosity"] >= 1 else logging.WARNING
        for name in ("summitdesk.worker", "django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(level)
        worker = CountingWorker(
            queue_names=[name.strip() for name in queue.split(",") if name.strip()],
            interval=interval,
            batch=once,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not once,  # a random pause so that workers started together spread
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if once:
            run_due_jobs(timezone.now())
            worker.run()
            if worker.failed:
                message = ngettext(
                    "%(count)d task failed.", "%(count)d tasks failed.", worker.failed
                )
                raise CommandError(message % {"count": worker.failed}, returncode=3)
            return

        scheduler = Scheduler(SCHEDULE_EVERY)
        # The worker stops on SIGINT/SIGTERM: at once when idle, else after the current task
        # (a second signal forces it); either way the scheduler stops with it.
        worker.configure_signals()
        scheduler.start()
        try:
            worker.run()
        finally:
            scheduler.stop()
            worker.reset_signals()
