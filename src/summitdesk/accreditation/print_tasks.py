"""Background tasks of badge print runs (see accreditation.print_runs).

`requeue_stalled_print_runs` registers itself as a periodic job when this module is
imported; the worker imports apps' `tasks` modules, so accreditation/tasks.py should
import this module for the sweep to run.
"""

from datetime import timedelta

from django_tasks import task

from summitdesk.core.periodic import periodic


@task()
def print_badges_task(run_id: int) -> None:
    """Print a run's badges; running it twice is harmless (a finished run is left alone)."""
    from summitdesk.accreditation.print_runs import run_print_run

    run_print_run(run_id)


@periodic("requeue-stalled-print-runs", every=timedelta(minutes=10))
@task()
def requeue_stalled_print_runs() -> None:
    """A worker killed mid-run leaves its run printing for ever: enqueue it again."""
    from summitdesk.accreditation.print_runs import requeue_stalled_runs

    requeue_stalled_runs()
