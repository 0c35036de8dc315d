"""The demo's badge pickup: PrepCom-2's first morning offered as pickup slots (every 15
minutes, four delegations each), a few delegations booked, and the first one collected
by its focal point. PrepCom-2 is the demo meeting whose delegations have approved
badges (demo.history); the Geneva summit has no replies yet."""

import datetime

from django.db.models import Exists, OuterRef

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Reply
from summitdesk.meetings.models import Meeting
from summitdesk.onsite import pickup
from summitdesk.onsite.models import PickupSlot

MEETING_CODE = "prepcom-2"
BOOKINGS = 6


def load_pickup(*, actor: Actor) -> int:
    """Slots, bookings and one hand-over, once; returns the bookings made (0 when the
    meeting already has slots, or has no first day)."""
    meeting = Meeting.objects.filter(code=MEETING_CODE).first()
    if meeting is None or meeting.start_date is None:
        return 0
    if PickupSlot.objects.filter(meeting=meeting).exists():
        return 0
    pickup.generate_slots(
        meeting,
        day=meeting.start_date,
        start=datetime.time(8, 0),
        end=datetime.time(12, 0),
        every=15,
        capacity=4,
        actor=actor,
    )
    slots = list(PickupSlot.objects.filter(meeting=meeting).order_by("starts_at"))
    approved = Accreditation.objects.filter(
        delegate__reply=OuterRef("pk"), status=AccreditationStatus.APPROVED
    )
    replies = list(
        Reply.objects.filter(meeting=meeting, attending=True, state__in=ATTENDING_STATES)
        .filter(Exists(approved))
        .select_related("meeting", "focal_point")
        .order_by("pk")[:BOOKINGS]
    )
    made = 0
    for index, reply in enumerate(replies):
        slot = slots[index // 2]
        booking = pickup.book(
            reply, slot, actor=actor, now=slot.starts_at - datetime.timedelta(days=2)
        )
        made += 1
        if index == 0:
            focal = reply.focal_point
            name = f"{focal.given_name} {focal.family_name}" if focal else "Focal point"
            pickup.hand_over(
                booking,
                pickup.HandOver(
                    collected_by_name=name,
                    document_seen=True,
                    accreditation_ids=list(pickup.badges_of(reply).values_list("pk", flat=True)),
                ),
                actor=actor,
                now=slot.starts_at + datetime.timedelta(minutes=5),
            )
    return made
