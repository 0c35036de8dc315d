"""Gates of the venue: zones and valid dates, in and out, secondary passes, occupancy."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from summitdesk.accreditation import checkin
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import CheckIn
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.core.versions import version_of
from summitdesk.reports import figures
from summitdesk.venue import gates, occupancy, passes, validity
from summitdesk.venue.enums import Direction, GateResult
from summitdesk.venue.models import Passage, SecondaryPass, ZoneOccupancy
from summitdesk.webhooks import services as webhook_services
from summitdesk.webhooks.enums import EVENT_OF
from tests.accreditation.builders import code_of, make_accreditation
from tests.factories import MeetingFactory, UserFactory
from tests.venue.builders import STAFF, Venue, make_venue, press_accreditation

pytestmark = pytest.mark.django_db


def at(venue: Venue, desk: str, code: str, **kwargs: object) -> gates.GateScan:
    zone, direction = gates.where(venue.meeting, desk)
    return gates.scan(
        code,
        meeting=venue.meeting,
        desk=desk,
        actor=checkin.desk_actor(None, desk),
        zone=zone,
        direction=direction,
        **kwargs,  # type: ignore[arg-type]
    )


def inside(venue: Venue) -> dict[str, int]:
    return {row.zone.code: row.inside for row in figures.zone_occupancy(venue.meeting)}


def test_meeting_without_zones_checks_in_as_before() -> None:
    meeting = MeetingFactory()
    accreditation = make_accreditation(meeting)
    zone, direction = gates.where(meeting, "Desk 1")
    assert (zone, direction) == (None, Direction.IN)
    scan = gates.scan(
        code_of(accreditation), meeting=meeting, desk="Desk 1", actor=STAFF, zone=zone
    )
    assert scan.result == GateResult.ENTERED
    assert scan.message == "Welcome."
    assert not Passage.objects.exists()


def test_plenary_gate_admits_delegate_and_refuses_press_in_their_language() -> None:
    venue = make_venue()
    delegate = make_accreditation(venue.meeting)
    press = press_accreditation(venue.meeting, given="Lois", family="Lane")

    admitted = at(venue, "Plenary gate", code_of(delegate))
    refused = at(venue, "Plenary gate", code_of(press))

    assert admitted.result == GateResult.ENTERED  # the first admission to the meeting
    assert admitted.message == "Welcome to the Plenary."
    assert refused.result == GateResult.REFUSED
    assert refused.message == "Refused: not valid for this zone (Plenary)."
    assert refused.holder_language == "fr"
    assert "Plénière" in refused.holder_message
    assert inside(venue)["plenary"] == 1
    assert Passage.objects.filter(admitted=False, zone=venue.plenary).count() == 1
    # The press badge opens the media centre's gate and the main entrance.
    assert at(venue, "Main gate", code_of(press)).admitted
    assert inside(venue)["main-entrance"] == 1


def test_badge_refused_outside_its_valid_days() -> None:
    venue = make_venue(days=(3, 5))
    delegate = make_accreditation(venue.meeting)
    scan = at(venue, "Main gate", code_of(delegate))
    assert scan.result == GateResult.REFUSED
    assert scan.message.startswith("Refused: not valid today; the badge is valid from ")
    assert CheckIn.objects.get().result == CheckInResult.REFUSED
    assert inside(venue)["main-entrance"] == 0


def test_validity_set_by_staff_replaces_the_defaults() -> None:
    venue = make_venue()
    press = press_accreditation(venue.meeting)
    validity.set_validity(
        press, valid_from=None, valid_until=None, zones=[venue.plenary], actor=STAFF
    )
    assert at(venue, "Plenary gate", code_of(press)).admitted
    with pytest.raises(validity.ValidityError, match="comes after"):
        validity.set_validity(
            press,
            valid_from=datetime.date(2030, 1, 2),
            valid_until=datetime.date(2030, 1, 1),
            zones=[],
            actor=STAFF,
        )
    assert validity.validity_of(press).valid_from is None


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"].lstrip().split()[0].upper() for query in captured]


def test_admission_into_a_zone_reads_twice_and_takes_no_savepoint() -> None:
    """The accreditation with its dates and zones set by staff in one read, the zones with
    their defaults in another; the first admission and the presence inserted without a
    savepoint around them (bench/venue_gates.py: fewer round trips per scan)."""
    venue = make_venue()
    delegate = make_accreditation(venue.meeting)

    with CaptureQueriesContext(connection) as captured:
        scan = gates.scan(
            code_of(delegate),
            meeting=venue.meeting,
            desk="Plenary gate",
            actor=checkin.desk_actor(None, "Plenary gate"),
            zone=venue.plenary,
        )

    assert scan.result == GateResult.ENTERED
    statements = _statements(captured)
    assert statements.count("SELECT") == 2
    # The scan's own transaction only (a savepoint inside the test's transaction).
    assert statements.count("SAVEPOINT") == 1
    assert statements.count("INSERT") == 5  # check-in, its audit, passage, its audit, presence
    assert statements.count("UPDATE") == 1  # the zone's counter, last
    assert [s for s in statements if s in {"INSERT", "UPDATE"}][-1] == "UPDATE"
    assert inside(venue)["plenary"] == 1


def test_dates_set_by_staff_are_read_with_the_accreditation_at_the_gate() -> None:
    venue = make_venue()
    press = press_accreditation(venue.meeting)
    validity.set_validity(
        press, valid_from=None, valid_until=None, zones=[venue.plenary], actor=STAFF
    )

    with CaptureQueriesContext(connection) as captured:
        scan = at(venue, "Plenary gate", code_of(press))

    assert scan.result == GateResult.ENTERED  # the plenary, set by staff, not the press's
    assert not [q for q in captured if 'FROM "venue_accreditationvalidity"' in q["sql"]]


def test_revoked_badge_refused_at_a_zone_gate() -> None:
    venue = make_venue()
    revoked = make_accreditation(venue.meeting, status=AccreditationStatus.REVOKED)
    scan = at(venue, "Plenary gate", code_of(revoked))
    assert scan.result == GateResult.REFUSED
    assert scan.message == "Refused: the accreditation was revoked."


def test_reentry_into_a_zone_counts_once_and_exits_count_down() -> None:
    venue = make_venue()
    delegate = make_accreditation(venue.meeting)
    code = code_of(delegate)
    at(venue, "Main gate", code)
    assert at(venue, "Plenary gate", code).result == GateResult.REENTERED
    at(venue, "Plenary gate", code)
    assert inside(venue) == {"main-entrance": 1, "plenary": 1, "media": 0, "hls": 0}
    assert at(venue, "Plenary exit", code).result == GateResult.EXITED
    assert inside(venue)["plenary"] == 0
    at(venue, "Plenary gate", code)
    at(venue, "Main exit", code)  # out of the venue: out of every zone
    assert inside(venue) == {"main-entrance": 0, "plenary": 0, "media": 0, "hls": 0}
    assert occupancy.recount(venue.meeting) == {
        row.zone_id: row.inside for row in ZoneOccupancy.objects.all()
    }


def test_unknown_code_at_an_exit_is_recorded_and_said() -> None:
    venue = make_venue()
    scan = at(venue, "Plenary exit", "not-a-badge")
    assert scan.result == GateResult.REFUSED
    assert Passage.objects.get().reason == scan.message


def test_scan_naming_a_zone_and_direction() -> None:
    venue = make_venue()
    with pytest.raises(gates.GateError):
        gates.where(venue.meeting, "x", "nowhere")
    with pytest.raises(gates.GateError):
        gates.where(venue.meeting, "x", "plenary", "sideways")
    assert gates.where(venue.meeting, "Anything", "media", "out") == (venue.media, "out")
    assert gates.where(venue.meeting, "Anything") == (venue.entrance, "in")
    with pytest.raises(gates.GateError, match="no main entrance"):
        gates.where(MeetingFactory(), "Desk 1", None, "out")


def test_zone_entry_is_audited_for_webhooks() -> None:
    venue = make_venue()
    at(venue, "Plenary gate", code_of(make_accreditation(venue.meeting)))
    entry = AuditEntry.objects.get(action="summitdesk.venue.zone_entered")
    assert entry.changes["zone"] == [None, "plenary"]


# Secondary passes


def pool_of(venue: Venue, size: int = 2, **kwargs: object) -> tuple[SecondaryPass, list[int]]:
    holder = make_accreditation(venue.meeting, given="Ana", organisation="Ruritania")
    other = make_accreditation(venue.meeting, given="Bo", organisation="Ruritania 2")
    # Bo joins Ana's delegation.
    other.delegate.reply = holder.delegate.reply
    other.delegate.save(update_fields=["reply"])
    pool = passes.create_pool(
        holder.delegate.reply,
        venue.high_level,
        size=size,
        actor=STAFF,
        **kwargs,  # type: ignore[arg-type]
    )
    return pool.passes.get(number=1), [holder.pk, other.pk]


def test_focal_point_hands_a_pass_on_and_the_gate_admits_it_once() -> None:
    venue = make_venue()
    one, (ana, bo) = pool_of(venue)
    reply = one.pool.reply
    code = passes.pass_code(one)

    assert (
        at(venue, "HLS gate", code).message == "Refused: this pass has not been handed to anyone."
    )
    one = passes.assign(one.pk, ana, reply=reply, expected_version=version_of(one), actor=STAFF)
    one = passes.assign(one.pk, bo, reply=reply, expected_version=version_of(one), actor=STAFF)
    assert one.holder_id == bo
    assert AuditEntry.objects.filter(action="summitdesk.venue.pass_assigned").count() == 2

    admitted = at(venue, "HLS gate", code)
    assert admitted.result == GateResult.ENTERED
    assert admitted.accreditation is not None and admitted.accreditation.pk == bo
    again = at(venue, "HLS gate", code)
    assert again.result == GateResult.REFUSED
    assert again.message.startswith("Refused: this pass is inside already")
    assert inside(venue)["hls"] == 1
    one.refresh_from_db()
    with pytest.raises(passes.PassError, match="in use inside"):
        passes.assign(one.pk, ana, reply=reply, expected_version=version_of(one), actor=STAFF)
    assert at(venue, "HLS exit", code).result == GateResult.EXITED
    assert inside(venue)["hls"] == 0
    assert at(venue, "Plenary gate", code).message == (
        "Refused: this pass is for another zone (High-level segment)."
    )


def test_assignment_refusals_change_nothing() -> None:
    venue = make_venue()
    one, (ana, _bo) = pool_of(venue)
    reply = one.pool.reply
    stranger = make_accreditation(venue.meeting, given="Eve", organisation="Elsewhere")
    with pytest.raises(passes.PassError, match="accredited member"):
        passes.assign(
            one.pk, stranger.pk, reply=reply, expected_version=version_of(one), actor=STAFF
        )
    with pytest.raises(passes.PassError, match="changed since"):
        passes.assign(one.pk, ana, reply=reply, expected_version="1.0", actor=STAFF)
    with pytest.raises(passes.PassError, match="no such pass"):
        passes.assign(
            one.pk,
            ana,
            reply=stranger.delegate.reply,
            expected_version=version_of(one),
            actor=STAFF,
        )
    late, (_ana, _b) = pool_of(venue, cutoff=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(passes.PassError, match="cut-off"):
        passes.assign(
            late.pk, ana, reply=late.pool.reply, expected_version=version_of(late), actor=STAFF
        )
    assert not SecondaryPass.objects.exclude(holder=None).exists()
    with pytest.raises(passes.PassError):
        passes.create_pool(reply, venue.high_level, size=0, actor=STAFF)


def test_forged_pass_code_is_a_badge_refusal() -> None:
    venue = make_venue()
    one, _ids = pool_of(venue)
    forged = passes.pass_code(one)[:-2] + "xx"
    assert at(venue, "HLS gate", forged).message == "Unknown code: this is not a valid badge."


# Two gates at once


@pytest.mark.django_db(transaction=True)
def test_two_gates_scanning_one_pass_at_once_admit_it_once() -> None:
    venue = make_venue()
    one, (ana, _bo) = pool_of(venue)
    passes.assign(one.pk, ana, reply=one.pool.reply, expected_version=version_of(one), actor=STAFF)
    code = passes.pass_code(one)
    barrier = threading.Barrier(2)
    results: list[GateResult] = []
    errors: list[BaseException] = []

    def gate(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                gates.scan(
                    code,
                    meeting=venue.meeting,
                    desk=name,
                    actor=checkin.desk_actor(None, name),
                    zone=venue.high_level,
                ).result
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=gate, args=(f"HLS gate {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [GateResult.ENTERED, GateResult.REFUSED]
    assert Passage.objects.filter(admitted=True).count() == 1
    assert inside(venue)["hls"] == 1
    assert occupancy.recount(venue.meeting)[venue.high_level.pk] == 1


@pytest.mark.django_db(transaction=True)
def test_many_gates_counting_at_once_equal_a_recount() -> None:
    venue = make_venue()
    people = [make_accreditation(venue.meeting, given=f"P{n}") for n in range(6)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def gate(name: str) -> None:
        try:
            for person in people:
                barrier.wait(timeout=10)
                gates.scan(
                    code_of(person),
                    meeting=venue.meeting,
                    desk=name,
                    actor=checkin.desk_actor(None, name),
                    zone=venue.plenary,
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=gate, args=(f"Gate {n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert inside(venue)["plenary"] == 6
    assert occupancy.recount(venue.meeting)[venue.plenary.pk] == 6
    assert CheckIn.objects.filter(result=CheckInResult.ENTERED).count() == 6


def test_zone_entry_webhook_says_who_entered_where() -> None:
    venue = make_venue()
    delegate = make_accreditation(venue.meeting)
    at(venue, "Plenary gate", code_of(delegate))
    entry = AuditEntry.objects.get(action="summitdesk.venue.zone_entered")
    assert EVENT_OF[entry.action] == "venue.zone_entered"
    data = webhook_services.events_data([entry])[entry.pk]
    assert data["passage"]["zone"] == "plenary"
    assert data["passage"]["direction"] == "in"
    assert data["delegate"]["family_name"] == "Diallo"
    assert data["meeting"]["code"] == "prepcom-3"


def test_admission_undone_at_its_desk_leaves_the_zone() -> None:
    venue = make_venue()
    user = UserFactory(username="door", role=Role.CHECKIN_DESK)
    actor = checkin.desk_actor(user, "Plenary gate")
    scan = gates.scan(
        code_of(make_accreditation(venue.meeting)),
        meeting=venue.meeting,
        desk="Plenary gate",
        actor=actor,
        zone=venue.plenary,
    )
    assert scan.check_in is not None and inside(venue)["plenary"] == 1
    checkin.undo_admission(
        scan.check_in.pk, meeting=venue.meeting, desk="Plenary gate", actor=actor
    )
    assert inside(venue)["plenary"] == 0
    assert occupancy.recount(venue.meeting)[venue.plenary.pk] == 0
