"""Background work of the reports: counting a dashboard again while its page shows the
figures counted before, and preparing an edition of the List of Participants."""

from django_tasks import task

from summitdesk.reports import dashboard
from summitdesk.reports.participants import editions


@task()
def recount_dashboard(kind: str, pk: int, filters: dict[str, str]) -> None:
    dashboard.recount(kind, pk, filters)


@task()
def recount_tracker(meeting_pk: int, circular_pk: int | None) -> None:
    dashboard.recount_tracker(meeting_pk, circular_pk)


@task()
def prepare_edition_task(edition_id: int) -> None:
    """Prepare and publish an edition; running it twice is harmless (a published or failed
    edition is left alone)."""
    editions.prepare_edition(edition_id)
