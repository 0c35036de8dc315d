"""Periodic jobs: work that comes round every so often, without cron.

A job is a task (`@task`) registered with `@periodic(name, every=...)`. Every worker checks
`run_due_jobs` now and then; the first to find a job due claims it with one conditional
UPDATE of its `PeriodicRun` row and enqueues its task in the same transaction, so however
many workers run on however many hosts, the job runs once per interval, in a worker, with
the queue's usual guarantees. Apps register their jobs in their `tasks` module, which
`registered_jobs` imports.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeAlias

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from django_tasks.base import Task

from summitdesk.core import ratelimit
from summitdesk.core.models import PeriodicRun

PeriodicTask: TypeAlias = Task[[], Any]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: datetime.timedelta
    task: PeriodicTask


_jobs: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: datetime.timedelta) -> Callable[[PeriodicTask], PeriodicTask]:
    """Register a task that takes no arguments to run once every `every`."""

    def register(job_task: PeriodicTask) -> PeriodicTask:
        known = _jobs.get(name)
        if known is not None and known.task.module_path != job_task.module_path:
            raise ValueError(f"Two periodic jobs are called {name!r}")
        _jobs[name] = PeriodicJob(name=name, every=every, task=job_task)
        return job_task

    return register


def registered_jobs() -> list[PeriodicJob]:
    autodiscover_modules("tasks")  # apps' tasks modules register their jobs when imported
    return sorted(_jobs.values(), key=lambda job: job.name)


def claim(job: PeriodicJob, now: datetime.datetime) -> bool:
    """Whether this caller may start `job` at `now`; at most one caller wins per interval.

    The first claim ever creates the job's row (the unique name settles a race); later
    claims are one UPDATE that only matches while the last start is an interval old, so
    two workers asking at once cannot both succeed.
    """
    _, created = PeriodicRun.objects.get_or_create(name=job.name, defaults={"last_started_at": now})
    if created:
        return True
    updated = PeriodicRun.objects.filter(
        name=job.name, last_started_at__lte=now - job.every
    ).update(last_started_at=now)
    return updated == 1


def run_due_jobs(now: datetime.datetime, *, jobs: Iterable[PeriodicJob] | None = None) -> list[str]:
    """Claim every job due at `now` and enqueue its task; returns the names of those enqueued.

    Side effects: updates `PeriodicRun` rows and enqueues tasks, each claim in the same
    transaction as its task, so a job is never marked as started without being queued.
    """
    started = []
    for job in registered_jobs() if jobs is None else jobs:
        with transaction.atomic():
            if claim(job, now):
                job.task.enqueue()
                started.append(job.name)
    return started


@periodic("purge-expired-sessions", every=datetime.timedelta(days=1))
@task()
def purge_expired_sessions() -> None:
    """What `manage.py clearsessions` does: delete sessions past their expiry."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@periodic("purge-rate-counters", every=datetime.timedelta(hours=1))
@task()
def purge_rate_counters() -> None:
    """Rate-limit windows that are over (core/ratelimit.py) are of no more use."""
    ratelimit.purge()
