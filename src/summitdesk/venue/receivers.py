"""What the venue does when the check-in changes under it."""

from typing import Any

from summitdesk.accreditation.models import CheckIn
from summitdesk.venue import occupancy
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import Passage


def check_in_deleted(sender: type[CheckIn], instance: CheckIn, **kwargs: Any) -> None:
    """An admission undone at its desk (accreditation.checkin.undo_admission): the person
    it let into a zone is no longer counted inside (in the undo's transaction)."""
    passage = (
        Passage.objects.filter(check_in=instance, admitted=True, direction=Direction.IN)
        .select_related("zone", "accreditation")
        .first()
    )
    if passage is not None and passage.accreditation is not None:
        occupancy.leave(passage.zone, passage.accreditation)
