"""A meeting with a venue: main entrance, plenary, media centre, high-level segment."""

import datetime
from dataclasses import dataclass

from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from summitdesk.venue import zones
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import Zone
from tests.accreditation.builders import make_accreditation
from tests.factories import MeetingFactory

STAFF = Actor.system("venue manager", Channel.BACKOFFICE)


@dataclass
class Venue:
    meeting: Meeting
    entrance: Zone
    plenary: Zone
    media: Zone
    high_level: Zone


def make_venue(*, code: str = "prepcom-3", days: tuple[int, int] = (-1, 1)) -> Venue:
    today = datetime.date.today()
    meeting = MeetingFactory(
        code=code,
        title="PrepCom-3",
        start_date=today + datetime.timedelta(days=days[0]),
        end_date=today + datetime.timedelta(days=days[1]),
    )
    entrance = zones.create_zone(meeting, name="Main entrance", is_main_entrance=True, actor=STAFF)
    plenary = zones.create_zone(
        meeting,
        name="Plenary",
        capacity=500,
        name_translations={"fr": "Plénière"},
        actor=STAFF,
    )
    media = zones.create_zone(meeting, name="Media centre", code="media", actor=STAFF)
    high = zones.create_zone(meeting, name="High-level segment", code="hls", actor=STAFF)
    for name, zone, direction in (
        ("Main gate", entrance, Direction.IN),
        ("Main exit", entrance, Direction.OUT),
        ("Plenary gate", plenary, Direction.IN),
        ("Plenary exit", plenary, Direction.OUT),
        ("HLS gate", high, Direction.IN),
        ("HLS exit", high, Direction.OUT),
    ):
        zones.create_gate(meeting, name=name, zone=zone, direction=direction, actor=STAFF)
    zones.set_zone_defaults(meeting, "delegate", [plenary], actor=STAFF)
    zones.set_zone_defaults(meeting, "press", [media], actor=STAFF)
    return Venue(meeting, entrance, plenary, media, high)


def press_accreditation(
    meeting: Meeting, *, given: str = "Amina", family: str = "Diallo"
) -> Accreditation:
    accreditation = make_accreditation(
        meeting, organisation="Daily Planet", given=given, family=family
    )
    organisation = accreditation.delegate.reply.organisation
    organisation.category = Category.MEDIA
    organisation.language = "fr"
    organisation.save(update_fields=["category", "language"])
    return accreditation
