"""Background tasks of the venue: a meeting's secondary pass cards (venue.cards)."""

from django_tasks import task

from summitdesk.venue import cards


@task()
def print_pass_cards_task(run_id: int) -> None:
    """Print a meeting's pass cards; running it twice is harmless (a done run is left)."""
    cards.run_meeting_run(run_id)
