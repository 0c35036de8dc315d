"""What the reply-tracking tests (and the back office's) build: circulars, invitations
and replies in every state."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular, Invitation, ReplyLink
from summitdesk.delegations.enums import ProtocolLevel, ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory, OrganisationFactory

SECTOR = Category.SECTOR_MEMBER


BUSINESS = Category.BUSINESS_ENTITY


CIVIL = Category.CIVIL_SOCIETY


PRIVATE = StakeholderGroup.PRIVATE_SECTOR


CIVIL_GROUP = StakeholderGroup.CIVIL_SOCIETY


CEO = ProtocolLevel.CHIEF_EXECUTIVE


def make_circular(meeting: Meeting, reference: str) -> Circular:
    return Circular.objects.create(
        reference=reference,
        date=datetime.date(2003, 7, 9),
        meeting=meeting,
        addressees="CEOs of ITU Sector Members and Accredited Business Sector Entities",
        signatory_name="Yoshio UTSUMI",
        signatory_titles="Secretary-General",
        status=CircularStatus.DISPATCHED,
    )


def invite(circular: Circular, organisation: Organisation) -> Invitation:
    return Invitation.objects.create(circular=circular, organisation=organisation, language="en")


def reply(
    organisation: Organisation,
    meeting: Meeting,
    state: ReplyState,
    *,
    estimate: int | None = None,
    level: str = "",
    delegates: int = 0,
    on_behalf: bool = False,
) -> Reply:
    answered = state in (ReplyState.SUBMITTED, ReplyState.AMENDED)
    made = Reply.objects.create(
        organisation=organisation,
        meeting=meeting,
        state=state,
        attending=True if answered else (False if state == ReplyState.DECLINED else None),
        estimated_participants=estimate,
        entered_on_behalf=on_behalf,
    )
    for position in range(delegates):
        # The level is the head's (without a delegate, nobody's).
        Delegate.objects.create(
            reply=made,
            position=position,
            is_head=position == 0,
            family_name=f"D{position}",
            protocol_level=level if position == 0 else "",
        )
    return made


def link_used(organisation: Organisation, meeting: Meeting) -> None:
    ReplyLink.objects.create(
        organisation=organisation,
        meeting=meeting,
        token_hash=f"{organisation.pk:064d}",
        last_used_at=timezone.now(),
    )


@dataclass
class Tracked:
    """DM-1048 about PrepCom-3, sent to A..J; DM-1050 about it too, to A and L."""

    meeting: Meeting
    circular: Circular
    second: Circular
    by_name: dict[str, Organisation]


def build_tracked() -> Tracked:
    """Ten organisations invited by DM-1048 in three categories, two stakeholder groups
    and two regions (Europe: CH, FR; Africa: SN, KE), with this mix of replies:

    A sector    CH submitted est 5  chief executive, 2 named
    B sector    FR amended   est 3  board, 1 named
    C sector    SN declined
    D sector    CH draft     est 4  chief executive, 1 named (a draft: not counted)
    E business  KE submitted est 10 chief executive, 3 named, entered on behalf
    F business  SN opened
    G business  FR no reply, its link visited only: not opened (a GET changes nothing)
    H civil     KE no reply: not opened
    I civil     CH reply row never opened: not opened
    J civil     SN submitted est 2  senior executive, nobody named
    """
    meeting = MeetingFactory(code="prepcom-3", title="PrepCom-3")
    other = MeetingFactory(code="prepcom-2", title="PrepCom-2")
    circular = make_circular(meeting, "DM-1048")
    second = make_circular(meeting, "DM-1050")
    spec = [
        ("A", SECTOR, PRIVATE, "CH"),
        ("B", SECTOR, PRIVATE, "FR"),
        ("C", SECTOR, PRIVATE, "SN"),
        ("D", SECTOR, PRIVATE, "CH"),
        ("E", BUSINESS, PRIVATE, "KE"),
        ("F", BUSINESS, PRIVATE, "SN"),
        ("G", BUSINESS, PRIVATE, "FR"),
        ("H", CIVIL, CIVIL_GROUP, "KE"),
        ("I", CIVIL, CIVIL_GROUP, "CH"),
        ("J", CIVIL, CIVIL_GROUP, "SN"),
    ]
    by_name: dict[str, Organisation] = {
        name: OrganisationFactory(
            name=name, category=category, stakeholder_group=group, country=country
        )
        for name, category, group, country in spec
    }
    for organisation in by_name.values():
        invite(circular, organisation)
    o = by_name
    reply(o["A"], meeting, ReplyState.SUBMITTED, estimate=5, level=CEO, delegates=2)
    reply(
        o["B"], meeting, ReplyState.AMENDED, estimate=3, level=ProtocolLevel.AMBASSADOR, delegates=1
    )
    reply(o["C"], meeting, ReplyState.DECLINED)
    reply(o["D"], meeting, ReplyState.DRAFT, estimate=4, level=CEO, delegates=1)
    reply(
        o["E"], meeting, ReplyState.SUBMITTED, estimate=10, level=CEO, delegates=3, on_behalf=True
    )
    reply(o["F"], meeting, ReplyState.OPENED)
    link_used(o["G"], meeting)
    reply(o["I"], meeting, ReplyState.NOT_OPENED)
    reply(o["J"], meeting, ReplyState.SUBMITTED, estimate=2, level=ProtocolLevel.OTHER)
    # Outside DM-1048: L (invited by DM-1050 only), K (never invited, yet a reply), and
    # A's reply about another meeting.
    o["L"] = OrganisationFactory(name="L", category=SECTOR, stakeholder_group=PRIVATE)
    invite(second, o["A"])
    invite(second, o["L"])
    reply(o["L"], meeting, ReplyState.SUBMITTED, estimate=7, level=CEO, delegates=4)
    o["K"] = OrganisationFactory(name="K")
    reply(o["K"], meeting, ReplyState.SUBMITTED, estimate=50, level=CEO, delegates=5)
    reply(o["A"], other, ReplyState.SUBMITTED, estimate=90, level=CEO, delegates=6)
    return Tracked(meeting, circular, second, by_name)
