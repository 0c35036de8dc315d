"""A summit with a delegation whose badges are approved, ready for a pickup or a walk-in."""

import datetime
import io
from dataclasses import dataclass

from PIL import Image

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from summitdesk.onsite import pickup
from summitdesk.onsite.models import PickupSlot
from tests.accreditation.builders import STAFF, accreditations, members, submitted_reply
from tests.delegations.builders import summit
from tests.factories import OrganisationFactory
from tests.tasks import drop_queued_emails


@dataclass
class Delegation:
    meeting: Meeting
    reply: Reply
    badges: list[Accreditation]


def approved_delegation(
    meeting: Meeting | None = None, *, name: str = "Nigeria", count: int = 14
) -> Delegation:
    meeting = meeting or summit()
    organisation = OrganisationFactory(name=name, category=Category.MEMBER_STATE)
    reply = submitted_reply(organisation, meeting, members(count, prefix=name))
    badges = [
        accreditation_services.transition(a, AccreditationStatus.APPROVED, actor=STAFF)
        for a in accreditations(reply)
    ]
    drop_queued_emails()
    return Delegation(meeting, reply, badges)


def first_day_slots(meeting: Meeting, *, capacity: int = 2) -> list[PickupSlot]:
    assert meeting.start_date is not None
    pickup.generate_slots(
        meeting,
        day=meeting.start_date,
        start=datetime.time(8, 0),
        end=datetime.time(9, 0),
        every=15,
        capacity=capacity,
        actor=STAFF,
    )
    return list(PickupSlot.objects.filter(meeting=meeting).order_by("starts_at"))


def camera_jpeg(width: int = 1280, height: int = 960) -> bytes:
    """A desk camera's frame: big enough for a passport crop."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 90)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
