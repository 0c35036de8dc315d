"""Background tasks of accreditation: the periodic identity purge, and the badge print
runs (see accreditation.print_runs). The emails of accreditation go through the outbox
(accreditation.emails, correspondence.messages); the tasks named after them below only
take over those an older version enqueued, putting them in the outbox, so that none is
lost in an upgrade.
"""

import datetime

from django.db import transaction
from django_tasks import task

from summitdesk.accreditation import bulk_decisions, emails, print_runs, services
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.periodic import periodic


def _accreditation(pk: int) -> Accreditation | None:
    return Accreditation.objects.select_related("delegate__reply").filter(pk=pk).first()


@task()
def send_accreditation_decision(accreditation_id: int, badge_version: int) -> dict[str, int]:
    accreditation = _accreditation(accreditation_id)
    if (
        accreditation is None
        or accreditation.status not in emails.DECISIONS
        or accreditation.badge_version != badge_version
    ):
        return {"queued": 0}  # a later decision has queued its own email
    with transaction.atomic():
        emails.queue_decision(accreditation)
    return {"queued": 1}


@task()
def send_delegate_link(accreditation_id: int) -> dict[str, int]:
    accreditation = _accreditation(accreditation_id)
    if accreditation is None:
        return {"queued": 0}
    with transaction.atomic():
        emails.queue_delegate_links([accreditation])
    return {"queued": 1}


@task()
def send_delegate_links(accreditation_ids: list[int]) -> dict[str, int]:
    return {"queued": sum(send_delegate_link.call(pk)["queued"] for pk in accreditation_ids)}


@task()
def send_missing_data_reminder(accreditation_id: int) -> dict[str, int]:
    accreditation = _accreditation(accreditation_id)
    if accreditation is None:
        return {"queued": 0}
    with transaction.atomic():
        emails.queue_missing_data([accreditation])
    return {"queued": 1}


@periodic("purge-identity-data", every=datetime.timedelta(days=1))
@task()
def purge_identity_data() -> int:
    """Delete identity document data SUMMITDESK_IDENTITY_RETENTION_DAYS after the meeting."""
    return services.purge_identity_data(actor=Actor.system("identity purge"))


@task()
def print_badges_task(run_id: int) -> None:
    """Print a run's badges; running it twice is harmless (a finished run is left alone)."""
    print_runs.run_print_run(run_id)


@periodic("requeue-stalled-print-runs", every=datetime.timedelta(minutes=10))
@task()
def requeue_stalled_print_runs() -> None:
    """A worker killed mid-run leaves its run printing for ever: enqueue it again."""
    print_runs.requeue_stalled_runs()


@task()
def run_bulk_decision_task(decision_id: int) -> None:
    """Approve or reject a bulk decision's accreditations (accreditation.bulk_decisions)."""
    bulk_decisions.run_bulk_decision(decision_id)


@periodic("requeue-stalled-bulk-decisions", every=datetime.timedelta(minutes=10))
@task()
def requeue_stalled_bulk_decisions() -> int:
    """A worker killed mid-decision leaves it running for ever: enqueue it again."""
    return bulk_decisions.requeue_stalled_decisions()
