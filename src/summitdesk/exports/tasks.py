"""Background tasks of exports: writing a large export, and the daily purge.

- `run_export_task`: write a job's file (see `services.run_export_job`); idempotent.
- `purge_expired_exports` (periodic, hourly): delete the files and jobs past their week,
  and queue again the jobs a dead worker left behind.
"""

import datetime

from django_tasks import task

from summitdesk.core.audit import Actor
from summitdesk.core.periodic import periodic
from summitdesk.exports import services


@task()
def run_export_task(job_id: int) -> None:
    services.run_export_job(job_id)


@periodic("purge-expired-exports", every=datetime.timedelta(hours=1))
@task()
def purge_expired_exports() -> int:
    services.requeue_stalled_exports()
    return services.purge_expired_exports(actor=Actor.system("export purge"))
