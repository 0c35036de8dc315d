"""Replies (delegations.services): drafts, submission, amendment, declining, the checks a
reply must pass, the deadline rule, the audit trail; and the builders the portal tests share."""

import datetime
from dataclasses import replace
from typing import Any

import pytest
from django.utils import timezone

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import outbox, reply_links
from summitdesk.correspondence.models import Circular, Invitation, OutboundMessage, ReplyLink
from summitdesk.delegations import services, signals
from summitdesk.delegations.enums import ChangeRequestStatus, ReplyState
from summitdesk.delegations.models import ChangeRequest, Reply
from summitdesk.delegations.services import (
    DelegateData,
    PersonData,
    ReplyClosed,
    ReplyData,
    ReplyError,
)
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Position
from summitdesk.meetings.models import Meeting
from tests.delegations.builders import attending, delegation, invite, person, summit
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PORTAL = Actor(user=None, channel=Channel.PORTAL, label="focal point Jane Doe")
STAFF = Actor.system("secretary", Channel.BACKOFFICE)


# Builders (the portal tests use them too)


SIX = [
    ("Amina", "Diallo"),
    ("Boris", "Ivanov"),
    ("Chen", "Wei"),
    ("Dolores", "Ruiz"),
    ("Erik", "Larsen"),
    ("Fatima", "Haddad"),
]


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Organisation:
    organisation = OrganisationFactory(name="Acme Telecom", acronym="ACME")
    invite(organisation, meeting)
    return organisation


@pytest.fixture
def reply(acme: Organisation, meeting: Meeting) -> Reply:
    return services.reply_for(acme, meeting)


def queued(kind: str) -> list[list[object]]:
    """The emails of `kind` in the outbox, each as what it is about: the reply (and person)."""
    rows = OutboundMessage.objects.filter(kind=kind).order_by("id")
    return [[row.about_id, *([row.person_id] if row.person_id else [])] for row in rows]


def actions(reply: Reply) -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(object_type="delegations.reply", object_id=str(reply.pk))
        .order_by("id")
        .values_list("action", "channel", "actor_label")
    )


# One reply per organisation and meeting


def test_reply_for_returns_the_same_reply_for_every_invitation_about_the_meeting(
    acme: Organisation, meeting: Meeting
) -> None:
    invite(acme, meeting, reference="DM-1049")

    first = services.reply_for(acme, meeting)
    second = services.reply_for(acme, meeting)

    assert first.pk == second.pk
    assert Reply.objects.count() == 1
    assert first.state == ReplyState.NOT_OPENED


def test_open_reply_moves_not_opened_to_opened_once(reply: Reply) -> None:
    services.open_reply(reply, actor=PORTAL)
    services.open_reply(reply, actor=PORTAL)

    reply.refresh_from_db()
    assert reply.state == ReplyState.OPENED
    assert reply.opened_at is not None
    assert actions(reply) == [("summitdesk.reply.opened", "portal", "focal point Jane Doe")]


# Drafts, submission, amendment, declining


def test_save_reply_as_draft_keeps_an_incomplete_reply(reply: Reply) -> None:
    data = ReplyData(attending=True, estimated_participants=6, delegates=delegation(SIX[:2]))

    saved = services.save_reply(reply, data, submit=False, actor=PORTAL)

    assert saved.state == ReplyState.DRAFT
    assert saved.submitted_at is None
    assert [str(d) for d in saved.delegates.all()] == ["Amina Diallo", "Boris Ivanov"]
    assert queued("reply_confirmation") == []
    assert Invitation.objects.get(organisation=reply.organisation).replied_at is None


def test_save_reply_submits_the_delegation_and_marks_the_invitations_replied(
    reply: Reply, meeting: Meeting
) -> None:
    invite(reply.organisation, meeting, reference="DM-1049")

    saved = services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)

    assert saved.state == ReplyState.SUBMITTED
    assert saved.submitted_at is not None
    assert saved.focal_point is not None
    assert saved.focal_point.email == "jane.doe@example.org"
    assert [(str(d), d.is_head, d.function) for d in saved.delegates.all()] == [
        ("Amina Diallo", True, "Function 1"),
        ("Boris Ivanov", False, "Function 2"),
        ("Chen Wei", False, "Function 3"),
        ("Dolores Ruiz", False, "Function 4"),
        ("Erik Larsen", False, "Function 5"),
        ("Fatima Haddad", False, "Function 6"),
    ]
    replied = Invitation.objects.filter(organisation=reply.organisation).values_list(
        "replied_at", flat=True
    )
    assert [value is not None for value in replied] == [True, True]
    assert queued("reply_confirmation") == [[reply.pk]]
    assert queued("focal_point_link") == [[reply.pk, saved.focal_point.pk]]


def test_save_reply_keeps_the_focal_points_function_as_their_position(reply: Reply) -> None:
    data = attending(SIX, backup_focal_point=person("Kofi", "Mensah", function="Deputy"))

    services.save_reply(reply, data, submit=True, actor=PORTAL)

    positions = Position.objects.filter(organisation=reply.organisation).order_by("role")
    assert [(p.role, str(p.person), p.function) for p in positions] == [
        (PositionRole.BACKUP_FOCAL_POINT, "Kofi Mensah", "Deputy"),
        (PositionRole.FOCAL_POINT, "Jane Doe", "Head of external relations"),
    ]
    current = services.reply_data(Reply.objects.get(pk=reply.pk))
    assert current.focal_point == person("Jane", "Doe", function="Head of external relations")
    assert current.backup_focal_point == person("Kofi", "Mensah", function="Deputy")


def test_save_reply_submitted_again_is_amended(reply: Reply) -> None:
    services.save_reply(reply, attending(SIX[:5], estimate=6), submit=True, actor=PORTAL)
    first_submission = Reply.objects.get(pk=reply.pk).submitted_at

    amended = services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)

    assert amended.state == ReplyState.AMENDED
    assert amended.submitted_at == first_submission
    assert amended.delegates.count() == 6
    assert queued("reply_confirmation") == [[reply.pk], [reply.pk]]
    # The focal point did not change: one link only.
    assert len(queued("focal_point_link")) == 1


def test_save_reply_declining_with_a_reason_drops_the_delegation(reply: Reply) -> None:
    services.save_reply(reply, attending(SIX), submit=False, actor=PORTAL)
    data = ReplyData(attending=False, decline_reason="Our board meets that week.")

    declined = services.save_reply(reply, data, submit=True, actor=PORTAL)

    assert declined.state == ReplyState.DECLINED
    assert declined.attending is False
    assert declined.decline_reason == "Our board meets that week."
    assert declined.delegates.count() == 0
    assert queued("reply_confirmation") == [[reply.pk]]


def test_save_reply_holds_seats_before_the_names_exist(reply: Reply) -> None:
    data = attending(SIX[:3], estimate=6)

    saved = services.save_reply(reply, data, submit=True, actor=PORTAL)

    assert saved.state == ReplyState.SUBMITTED
    assert saved.estimated_participants == 6
    assert saved.delegates.count() == 3


# Refused


def test_save_reply_refuses_an_estimate_below_the_names_given(reply: Reply) -> None:
    data = attending(SIX, estimate=5)

    with pytest.raises(ReplyError) as refused:
        services.save_reply(reply, data, submit=False, actor=PORTAL)

    assert str(refused.value) == "The estimate (5) is lower than the 6 people named."
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED
    assert actions(reply) == []


def test_save_reply_refuses_two_heads(reply: Reply) -> None:
    delegates = delegation(SIX[:3])
    delegates[2] = replace(delegates[2], is_head=True, protocol_level="minister")

    with pytest.raises(ReplyError) as refused:
        services.save_reply(
            reply, attending(SIX[:3], delegates=delegates), submit=False, actor=PORTAL
        )

    assert str(refused.value) == "Only one person can head the delegation."
    assert reply.delegates.count() == 0


def test_problems_of_an_empty_submission_name_what_is_missing() -> None:
    assert services.problems(ReplyData(), submitting=True) == {
        "attending": "Say whether your organisation will attend."
    }
    # Seats are held with an estimate alone: no head of delegation is asked for yet.
    assert services.problems(ReplyData(attending=True), submitting=True) == {
        "focal_point": "Name the designated focal point.",
        "estimated_participants": "Estimate the number of participants.",
    }
    assert services.problems(ReplyData(attending=True), submitting=False) == {}


def test_problems_of_a_submission_with_an_estimate_and_no_names_are_none() -> None:
    data = ReplyData(
        attending=True,
        estimated_participants=4,
        focal_point=PersonData(family_name="Doe", email="jane.doe@example.org"),
    )

    assert services.problems(data, submitting=True) == {}


def test_problems_of_a_submission_naming_people_ask_for_the_head_and_their_level() -> None:
    data = ReplyData(
        attending=True,
        estimated_participants=4,
        focal_point=PersonData(family_name="Doe", email="jane.doe@example.org"),
        delegates=[DelegateData(family_name="Diallo")],
    )

    assert services.problems(data, submitting=True) == {
        "delegates": "Mark the head of delegation among the people named.",
    }
    headed = replace(data, delegates=[DelegateData(family_name="Diallo", is_head=True)])
    assert services.problems(headed, submitting=True) == {
        "head_level": "Give the protocol level of the head of delegation.",
    }


# The deadline rule


def test_save_reply_from_the_portal_after_the_deadline_raises_reply_closed(
    meeting: Meeting,
) -> None:
    late = OrganisationFactory(name="Late Networks")
    invite(late, meeting, deadline=timezone.now() - datetime.timedelta(hours=1))
    reply = services.reply_for(late, meeting)

    with pytest.raises(ReplyClosed) as closed:
        services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)

    assert str(closed.value) == "The deadline has passed: your changes go to the secretariat."
    assert services.accepts_changes(reply) is False
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED


def test_request_change_after_the_deadline_waits_for_the_secretariat(meeting: Meeting) -> None:
    late = OrganisationFactory(name="Late Networks")
    invite(late, meeting, deadline=timezone.now() - datetime.timedelta(hours=1))
    reply = services.reply_for(late, meeting)

    request = services.request_change(
        reply, attending(SIX), note="Two more advisers.", actor=PORTAL
    )

    assert request.status == ChangeRequestStatus.PENDING
    assert request.proposed["delegates"][0]["family_name"] == "Diallo"
    assert Reply.objects.get(pk=reply.pk).delegates.count() == 0
    assert actions(reply) == [
        ("summitdesk.reply.change_requested", "portal", "focal point Jane Doe")
    ]

    services.decide_change_request(request, accept=True, actor=STAFF)

    accepted = Reply.objects.get(pk=reply.pk)
    assert accepted.state == ReplyState.SUBMITTED
    assert accepted.delegates.count() == 6
    assert ChangeRequest.objects.get(pk=request.pk).status == ChangeRequestStatus.ACCEPTED


def test_save_reply_by_staff_after_the_deadline_is_accepted(meeting: Meeting) -> None:
    late = OrganisationFactory(name="Late Networks")
    invite(late, meeting, deadline=timezone.now() - datetime.timedelta(hours=1))
    reply = services.reply_for(late, meeting)

    saved = services.save_reply(reply, attending(SIX), submit=True, actor=STAFF)

    assert saved.state == ReplyState.SUBMITTED
    assert saved.entered_on_behalf is True
    [entry] = AuditEntry.objects.filter(action="summitdesk.reply.submitted")
    assert (entry.channel, entry.note) == (
        "backoffice",
        "Entered by the secretariat on the organisation's behalf",
    )


def test_accepts_changes_follows_the_latest_deadline_of_the_circulars(
    acme: Organisation, meeting: Meeting, reply: Reply
) -> None:
    Circular.objects.filter(reference="DM-1048").update(
        reply_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    assert services.accepts_changes(reply) is False

    invite(acme, meeting, reference="DM-1049", deadline=timezone.now() + datetime.timedelta(days=3))

    assert services.accepts_changes(reply) is True


# Hand over and audit


def test_hand_over_names_the_new_focal_point_and_revokes_the_previous_ones_links(
    reply: Reply,
) -> None:
    saved = services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)
    previous = saved.focal_point
    assert previous is not None
    _link, token = reply_links.issue(
        reply.organisation, reply.meeting, person=previous, expires_at=None
    )
    _letter_link, letter_token = reply_links.issue(reply.organisation, reply.meeting)

    handed = services.hand_over(saved, person("Kofi", "Mensah"), actor=PORTAL)

    assert handed.focal_point is not None
    assert str(handed.focal_point) == "Kofi Mensah"
    assert handed.state == ReplyState.AMENDED
    assert reply_links.find(token) is None
    assert reply_links.find(letter_token) is not None
    assert queued("focal_point_link")[-1] == [reply.pk, handed.focal_point.pk]


def revocations() -> list[tuple[str, str, str]]:
    """(link id, who, why) of every audit entry of a revoked reply link, oldest first."""
    return list(
        AuditEntry.objects.filter(action="summitdesk.reply_link.revoked")
        .order_by("id")
        .values_list("object_id", "actor_label", "note")
    )


def test_hand_over_audits_each_revoked_link(reply: Reply) -> None:
    saved = services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)
    assert saved.focal_point is not None
    link, _token = reply_links.issue(reply.organisation, reply.meeting, person=saved.focal_point)

    services.hand_over(saved, person("Kofi", "Mensah"), actor=PORTAL)

    assert revocations() == [(str(link.pk), "focal point Jane Doe", "The focal point handed over.")]


def test_revoke_reply_link_audits_it_once(reply: Reply) -> None:
    link, _token = reply_links.issue(reply.organisation, reply.meeting)

    services.revoke_reply_link(link, actor=STAFF)

    with pytest.raises(ReplyError, match=r"^This link had already been revoked\.$"):
        services.revoke_reply_link(link, actor=STAFF)
    assert revocations() == [(str(link.pk), "secretary", "")]


def test_open_as_organisation_again_audits_the_earlier_staff_link(reply: Reply) -> None:
    staff = Actor.staff(UserFactory(username="olga"))
    services.open_as_organisation(reply.organisation, reply.meeting, actor=staff)
    [first] = ReplyLink.objects.filter(opened_by=staff.user)

    services.open_as_organisation(reply.organisation, reply.meeting, actor=staff)

    assert revocations() == [(str(first.pk), "olga", "The staff member opened the portal again.")]


def test_reissue_and_revoke_all_audit_each_revoked_link(reply: Reply) -> None:
    invitation = Invitation.objects.get(organisation=reply.organisation)
    first, _token = reply_links.issue(reply.organisation, reply.meeting, invitation=invitation)

    outbox.reissue_reply_link(invitation, actor=STAFF)
    [second] = ReplyLink.objects.filter(revoked_at__isnull=True)
    reply_links.revoke_all(reply.organisation, reply.meeting, actor=PORTAL)

    assert revocations() == [
        (str(first.pk), "secretary", "A new link was issued."),
        (str(second.pk), "focal point Jane Doe", ""),
    ]
    assert ReplyLink.objects.filter(revoked_at__isnull=True).count() == 0


def test_every_change_is_recorded_with_its_channel_and_holder(reply: Reply) -> None:
    services.open_reply(reply, actor=PORTAL)
    services.save_reply(reply, attending(SIX[:2], estimate=6), submit=False, actor=PORTAL)
    services.save_reply(reply, attending(SIX[:3], estimate=6), submit=True, actor=PORTAL)
    services.save_reply(reply, attending(SIX, estimate=6), submit=True, actor=STAFF)

    assert actions(reply) == [
        ("summitdesk.reply.opened", "portal", "focal point Jane Doe"),
        ("summitdesk.reply.saved", "portal", "focal point Jane Doe"),
        ("summitdesk.reply.submitted", "portal", "focal point Jane Doe"),
        ("summitdesk.reply.submitted", "backoffice", "secretary"),
    ]
    last = AuditEntry.objects.filter(object_type="delegations.reply").order_by("id").last()
    assert last is not None
    assert last.changes["delegates"][1][3:] == [
        "Dolores Ruiz, Function 4",
        "Erik Larsen, Function 5",
        "Fatima Haddad, Function 6",
    ]
    assert last.changes["state"] == ["submitted", "amended"]


def test_saving_a_reply_announces_who_left_the_delegation(reply: Reply) -> None:
    heard: list[dict[str, Any]] = []

    def listener(sender: type[Reply], **kwargs: Any) -> None:
        heard.append({"sender": sender, **kwargs})

    saved = services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)
    fatima = saved.delegates.get(family_name="Haddad")
    signals.reply_saved.connect(listener)
    try:
        services.save_reply(saved, attending(SIX[:5]), submit=True, actor=PORTAL)
    finally:
        signals.reply_saved.disconnect(listener)

    assert heard == [
        {
            "sender": Reply,
            "signal": signals.reply_saved,
            "reply": saved,
            "removed": {fatima.pk},
            "submitted": True,
            "renamed": set(),
            "keep_approval": False,
            "actor": PORTAL,
        }
    ]


def test_a_listener_that_fails_rolls_the_reply_back(reply: Reply) -> None:
    def listener(sender: type[Reply], **kwargs: Any) -> None:
        raise RuntimeError("the accreditations could not follow")

    signals.reply_saved.connect(listener)
    try:
        with pytest.raises(RuntimeError, match="could not follow"):
            services.save_reply(reply, attending(SIX), submit=True, actor=PORTAL)
    finally:
        signals.reply_saved.disconnect(listener)

    reply.refresh_from_db()
    assert (reply.state, reply.delegates.count()) == (ReplyState.NOT_OPENED, 0)
    assert actions(reply) == []
    assert queued("reply_confirmation") == []
