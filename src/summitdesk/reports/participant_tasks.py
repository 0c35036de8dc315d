"""Background task of the List of Participants (see reports.participants)."""

from django_tasks import task


@task()
def prepare_edition_task(edition_id: int) -> None:
    """Prepare and publish an edition; running it twice is harmless (a published or failed
    edition is left alone)."""
    from summitdesk.reports.participants import prepare_edition

    prepare_edition(edition_id)
