"""The demo's participant types, protocol levels and online participation: on PrepCom-2,
after its history is played, a Vice-President heading a delegation, a consultant with
their employer, a technical staff member and a VIP, an online participant, and the
meeting's online access details and photo exemption."""

from django.db.models import QuerySet

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.enums import ATTENDING_STATES, ProtocolLevel, Relationship
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.meetings.models import Meeting
from summitdesk.meetings.services import save_meeting

MEETING_CODE = "prepcom-2"
ONLINE_ACCESS = (
    "Join the plenary online: https://meet.example.org/wsis-prepcom-2\n"
    "Meeting number 2003 0915, passcode sent by the secretariat."
)


def _members(meeting: Meeting, *, head: bool) -> QuerySet[Delegate]:
    replies = Reply.objects.filter(meeting=meeting, state__in=ATTENDING_STATES)
    return Delegate.objects.filter(reply__in=replies, is_head=head).order_by("reply", "pk")


def _change(delegate: Delegate, actor: Actor, **values: object) -> None:
    before = {name: getattr(delegate, name) for name in values}
    Delegate.objects.filter(pk=delegate.pk).update(**values)
    audit.record(
        delegate.reply,
        "summitdesk.reply.saved",
        actor=actor,
        changes={
            f"delegate changed: {delegate} (#{delegate.pk}): {name}": [
                None if before[name] is None else str(before[name]),
                None if value is None else str(value),
            ]
            for name, value in values.items()
        },
        organisation_id=delegate.reply.organisation_id,
    )


def load_participants(*, actor: Actor) -> bool:
    """Show the types, levels and online participation on PrepCom-2 (once: not when its
    online access details are set already); returns whether anything was done."""
    meeting = Meeting.objects.filter(code=MEETING_CODE).first()
    if meeting is None or meeting.online_access:
        return False
    save_meeting(
        meeting,
        {
            "online_access": ONLINE_ACCESS,
            "photo_exempt_levels": [ProtocolLevel.HEAD_OF_STATE, ProtocolLevel.VICE_PRESIDENT],
            "list_shows_affiliation": True,
        },
        actor=actor,
    )
    types = {t.code: t for t in meeting.participant_types.all()}
    heads = list(_members(meeting, head=True).select_related("reply")[:1])
    members = list(_members(meeting, head=False).select_related("reply")[:4])
    if heads:
        _change(heads[0], actor, protocol_level=ProtocolLevel.VICE_PRESIDENT)
    changes: list[dict[str, object]] = [
        {"relationship": Relationship.CONSULTANT, "affiliation": "Analysys Mason"},
        {"online": True, "relationship": Relationship.STAFF},
        {"participant_type": types.get("technical-staff")},
        {"participant_type": types.get("vip"), "protocol_level": ProtocolLevel.AMBASSADOR},
    ]
    for member, values in zip(members, changes, strict=False):
        _change(member, actor, **values)
    return True
