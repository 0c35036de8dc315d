"""Participant types, protocol levels and online participation: the services."""

from dataclasses import replace

import pytest

from summitdesk.accreditation import checkin, completeness, print_runs, services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.enums import CheckInResult
from summitdesk.accreditation.models import Accreditation
from summitdesk.correspondence.models import Circular
from summitdesk.delegations import services as reply_services
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.participant_types import (
    precedence_key,
    sorted_by_precedence,
    type_of,
)
from summitdesk.delegations.services import DelegateData, ReplyError, _from_json
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting, ParticipantType
from summitdesk.meetings.participant_types import DEFAULTS, seed
from summitdesk.reports import figures
from tests.accreditation.builders import STAFF, members, submitted_reply
from tests.accreditation.builders import meeting as make_meeting
from tests.delegations.conftest import invite, make_circular
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit() -> Meeting:
    return make_meeting()


def invited_reply(summit: Meeting, name: str, people: list[DelegateData]) -> Reply:
    """A submitted reply of an organisation the circular invited (the figures count those)."""
    organisation = OrganisationFactory(name=name)
    circular = Circular.objects.filter(meeting=summit).first() or make_circular(summit, "DM-1")
    invite(circular, organisation)
    return submitted_reply(organisation, summit, people)


def test_a_new_meeting_has_the_ten_default_types_in_order(summit: Meeting) -> None:
    codes = list(summit.participant_types.values_list("code", flat=True))

    assert codes == [default.code for default in DEFAULTS]
    assert len(codes) == 10
    assert seed(summit) == []  # seeding again adds nothing
    press = summit.participant_types.get(code="press")
    assert not press.counts_against_limit
    assert press.name == "Press"


def test_type_follows_the_category_unless_staff_set_one(summit: Meeting) -> None:
    media = OrganisationFactory(name="Daily Wire", category=Category.MEDIA)
    reply = submitted_reply(media, summit, members(2))
    first, second = reply.delegates.order_by("position")

    assert type_of(first) is not None and type_of(first).code == "press"  # type: ignore[union-attr]
    data = reply_services.reply_data(Reply.objects.get(pk=reply.pk))
    changed = replace(data.delegates[1], participant_type="vip")
    reply_services.save_reply(
        reply, replace(data, delegates=[data.delegates[0], changed]), submit=True, actor=STAFF
    )

    second.refresh_from_db()
    assert type_of(second).code == "vip"  # type: ignore[union-attr]
    assert reply_services.reply_data(reply).delegates[1].participant_type == "vip"


def test_a_type_left_unsaid_stays_and_an_unknown_one_is_refused(summit: Meeting) -> None:
    reply = submitted_reply(OrganisationFactory(), summit, members(1))
    data = reply_services.reply_data(Reply.objects.get(pk=reply.pk))
    typed = replace(data.delegates[0], participant_type="security")
    reply_services.save_reply(reply, replace(data, delegates=[typed]), submit=True, actor=STAFF)

    # The portal does not say the type (None): it stays.
    unsaid = replace(typed, participant_type=None, function="Adviser")
    reply_services.save_reply(reply, replace(data, delegates=[unsaid]), submit=True, actor=STAFF)
    assert Delegate.objects.get(reply=reply).participant_type.code == "security"  # type: ignore[union-attr]

    with pytest.raises(ReplyError, match="emperor is not a participant type of this meeting"):
        reply_services.save_reply(
            reply,
            replace(data, delegates=[replace(typed, participant_type="emperor")]),
            submit=True,
            actor=STAFF,
        )
    assert Delegate.objects.get(reply=reply).participant_type.code == "security"  # type: ignore[union-attr]


def test_hostile_levels_and_relationships_are_refused(summit: Meeting) -> None:
    reply = submitted_reply(OrganisationFactory(), summit, members(1))
    data = reply_services.reply_data(reply)

    for bad in ({"protocol_level": "emperor"}, {"relationship": "cousin"}):
        member = replace(data.delegates[0], **bad)  # type: ignore[arg-type]
        found = reply_services.problems(replace(data, delegates=[member]), submitting=False)
        assert set(found) == {"delegates"}
    assert Delegate.objects.get(reply=reply).protocol_level == "chief_executive"


def test_reply_head_level_is_the_heads_protocol_level(summit: Meeting) -> None:
    reply = submitted_reply(OrganisationFactory(), summit, members(2))

    assert reply.head_level == "chief_executive"
    assert reply.head_level_label == "Chief executive"


def test_change_request_made_before_protocol_levels_keeps_the_heads_level() -> None:
    old = {
        "attending": True,
        "head_level": "board",
        "delegates": [{"family_name": "Sow", "is_head": True}, {"family_name": "Ba"}],
    }

    data = _from_json(old)

    assert [d.protocol_level for d in data.delegates] == ["other", ""]


def test_order_of_precedence_by_level_then_head_then_name() -> None:
    people = [
        Delegate(family_name="Zed", protocol_level="minister"),
        Delegate(family_name="Abe", protocol_level=""),
        Delegate(family_name="Moe", protocol_level="head_of_state"),
        Delegate(family_name="Bea", protocol_level="minister", is_head=True),
        Delegate(family_name="Ann", protocol_level="minister"),
    ]

    ordered = [d.family_name for d in sorted_by_precedence(people)]

    assert ordered == ["Moe", "Bea", "Ann", "Zed", "Abe"]
    assert precedence_key("ambassador", False, "a", "b") < precedence_key("other", True, "a", "b")


def test_protocol_list_names_high_levels_in_order(summit: Meeting) -> None:
    first = invited_reply(summit, "A", members(2, prefix="Alpha"))
    second = invited_reply(summit, "B", members(1, prefix="Beta"))
    Delegate.objects.filter(reply=second, is_head=True).update(protocol_level="head_of_state")
    Delegate.objects.filter(reply=first, is_head=False).update(protocol_level="other")

    names = [d.family_name for d in figures.high_level_participants(summit)]

    assert names == ["Beta 0", "Alpha 0"]


def test_online_participants_are_counted_apart_by_type(summit: Meeting) -> None:
    reply = invited_reply(summit, "Orange", members(3))
    Delegate.objects.filter(reply=reply, family_name="Member 2").update(online=True)
    press = ParticipantType.objects.get(meeting=summit, code="press")
    Delegate.objects.filter(reply=reply, family_name="Member 1").update(participant_type=press)

    counts = {c.code: (c.in_person, c.online) for c in figures.registered_by_type([summit])}

    assert counts["delegate"] == (1, 1)
    assert counts["press"] == (1, 0)
    assert counts["vip"] == (0, 0)
    assert list(counts)[:2] == ["delegate", "overflow"]


def _approved_online(summit: Meeting) -> Accreditation:
    reply = submitted_reply(OrganisationFactory(), summit, members(1))
    Delegate.objects.filter(reply=reply).update(online=True)
    accreditation = Accreditation.objects.get(delegate__reply=reply)
    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    return Accreditation.objects.select_related("delegate", "meeting").get(pk=accreditation.pk)


def test_check_in_refuses_online_participants_and_does_not_list_them(summit: Meeting) -> None:
    accreditation = _approved_online(summit)

    result = checkin.check_in(accreditation.pk, meeting=summit, desk="A", actor=STAFF)

    assert result.result == CheckInResult.REFUSED
    assert result.message == "Refused: registered to take part online only."
    assert checkin.search(summit, "Member") == []


def test_print_runs_skip_online_participants(summit: Meeting) -> None:
    accreditation = _approved_online(summit)

    assert not print_runs.printable_accreditations(summit).filter(pk=accreditation.pk).exists()
    with pytest.raises(Exception, match="None of the chosen accreditations has a badge"):
        print_runs.create_print_run(summit, [accreditation.pk], actor=STAFF)


def test_online_access_details_only_for_the_online_participant(summit: Meeting) -> None:
    Meeting.objects.filter(pk=summit.pk).update(online_access="https://meet.example.org/x")
    accreditation = _approved_online(summit)
    accreditation.meeting.refresh_from_db()

    assert services.online_access(accreditation) == "https://meet.example.org/x"
    assert services.online_access(accreditation, by_focal_point=True) == ""
    Delegate.objects.filter(pk=accreditation.delegate_id).update(online=False)
    accreditation.delegate.refresh_from_db()
    assert services.online_access(accreditation) == ""


def test_exempt_levels_need_no_photo(summit: Meeting) -> None:
    reply = submitted_reply(OrganisationFactory(), summit, members(2))
    head = Accreditation.objects.select_related("delegate", "meeting").get(
        delegate__reply=reply, delegate__is_head=True
    )
    assert "photo" in completeness.missing_names(head)

    Meeting.objects.filter(pk=summit.pk).update(photo_exempt_levels=["chief_executive"])
    head = Accreditation.objects.select_related("delegate", "meeting").get(pk=head.pk)

    assert "photo" not in completeness.missing_names(head)
    exempt = Accreditation.objects.filter(meeting=summit).filter(completeness.NEEDED[0][2])
    assert list(exempt.values_list("pk", flat=True)) == [head.pk]


def test_types_that_do_not_count_leave_the_limit_alone(summit: Meeting) -> None:
    organisation = OrganisationFactory(category=Category.SECTOR_MEMBER)
    services.set_limit(summit, Category.SECTOR_MEMBER, 1, actor=STAFF)
    reply = submitted_reply(organisation, summit, members(3))
    press = ParticipantType.objects.get(meeting=summit, code="press")
    Delegate.objects.filter(reply=reply, family_name="Member 1").update(participant_type=press)
    Delegate.objects.filter(reply=reply, family_name="Member 2").update(online=True)

    assert services.check_limit(organisation, summit).pending == 1
    for accreditation in Accreditation.objects.filter(delegate__reply=reply).order_by("pk"):
        services.transition(accreditation, Status.APPROVED, actor=STAFF)
    assert Accreditation.objects.filter(status=Status.APPROVED).count() == 3
