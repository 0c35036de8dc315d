"""PrepCom-2's venue in the demo: zones in six languages, gates, passes, scans, and the
occupancy figure equal to a recount."""

from summitdesk.core.audit import Actor
from summitdesk.demo import venue as demo_venue
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from summitdesk.venue import occupancy
from summitdesk.venue.models import Gate, Passage, SecondaryPass, Zone
from tests.conftest import Demo


def test_demo_venue(demo: Demo) -> None:
    meeting = Meeting.objects.get(code=demo_venue.MEETING_CODE)
    zones = Zone.objects.filter(meeting=meeting)
    assert zones.count() == len(demo_venue.ZONES)
    assert all(len(zone.name_translations) == 5 for zone in zones)
    assert Gate.objects.filter(meeting=meeting).count() == 2 * len(demo_venue.ZONES)
    assert (
        SecondaryPass.objects.filter(pool__reply__meeting=meeting).exclude(holder=None).count() == 1
    )
    assert Passage.objects.filter(meeting=meeting, admitted=True).count() > 5
    inside = {row.zone.code: row.inside for row in figures.zone_occupancy(meeting)}
    assert inside["plenary"] > 5 and inside["hls"] == 1
    assert occupancy.recount(meeting) == {
        row.zone.pk: row.inside for row in figures.zone_occupancy(meeting)
    }
    days = {p.scanned_at.date() for p in Passage.objects.filter(meeting=meeting)}
    assert meeting.start_date is not None and meeting.end_date is not None
    assert all(meeting.start_date <= day <= meeting.end_date for day in days)
    # A second load adds nothing.
    assert demo_venue.load_venue(actor=Actor.system("again")) is False
