"""Participation data whose every figure is known in advance, for the dashboard's tests.

The Geneva phase of a process invites 12 organisations (3 of them twice, by a second
circular); 7 answer (5 attending, 2 declining); the attending replies announce 20
participants, 3 of them are headed at chief-executive level, and they name 30 delegates
(12 women, 13 men, 1 of another gender, 4 who did not say), of whom 11 are approved and 4
checked in. Around them, data that must not be counted: a draft reply, an opened one,
delegates withdrawn, a re-entry and a refusal at the door, a PrepCom of the same process
(counted only across the process) and a meeting of another process.

Organisation, per stakeholder group (category) and country:

    governments (member_state): CH submitted, KE submitted, BR declined, EG silent
    private_sector (sector_member): FR amended, JP submitted, US declined, RU draft
    civil_society (civil_society): SN submitted, IN opened
    international_organisations (international_organisation): CH silent, ZZ (unknown) silent
"""

import datetime
from dataclasses import dataclass, field

from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.delegations.enums import ProtocolLevel, ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.meetings.enums import MeetingKind
from summitdesk.meetings.models import Meeting, Process
from tests.factories import MeetingFactory, OrganisationFactory, ProcessFactory

UTC = datetime.UTC
DISPATCHED = datetime.datetime(2003, 7, 9, 10, 0, tzinfo=UTC)
DEADLINE = datetime.datetime(2003, 10, 10, 15, 0, tzinfo=UTC)

GROUPS = {
    "gov": (Category.MEMBER_STATE, StakeholderGroup.GOVERNMENTS),
    "priv": (Category.SECTOR_MEMBER, StakeholderGroup.PRIVATE_SECTOR),
    "cs": (Category.CIVIL_SOCIETY, StakeholderGroup.CIVIL_SOCIETY),
    "io": (Category.INTERNATIONAL_ORGANISATION, StakeholderGroup.INTERNATIONAL_ORGANISATIONS),
}


def day(month: int, day: int) -> datetime.date:
    return datetime.date(2003, month, day)


CEO = ProtocolLevel.CHIEF_EXECUTIVE
# key: (group, country, state, estimate, head level, submitted on)
ORGANISATIONS: dict[str, tuple[str, str, str, int | None, str, datetime.date | None]] = {
    "gov-ch": ("gov", "CH", ReplyState.SUBMITTED, 5, CEO, day(7, 15)),
    "gov-ke": ("gov", "KE", ReplyState.SUBMITTED, 3, ProtocolLevel.AMBASSADOR, day(7, 15)),
    "gov-br": ("gov", "BR", ReplyState.DECLINED, None, "", day(7, 20)),
    "gov-eg": ("gov", "EG", "", None, "", None),
    "priv-fr": ("priv", "FR", ReplyState.AMENDED, 4, CEO, day(8, 1)),
    "priv-jp": ("priv", "JP", ReplyState.SUBMITTED, 2, CEO, day(8, 1)),
    "priv-us": ("priv", "US", ReplyState.DECLINED, None, "", day(8, 2)),
    "priv-ru": ("priv", "RU", ReplyState.DRAFT, 9, CEO, None),
    "cs-sn": ("cs", "SN", ReplyState.SUBMITTED, 6, ProtocolLevel.OTHER, day(9, 30)),
    "cs-in": ("cs", "IN", ReplyState.OPENED, None, "", None),
    "io-ch": ("io", "CH", "", None, "", None),
    "io-zz": ("io", "ZZ", "", None, "", None),
}

# Delegates of the attending replies: genders (f, m, o, unsaid) and accreditations
# (approved, pending, rejected), and how many of the approved entered.
DELEGATIONS: dict[str, tuple[tuple[int, int, int, int], tuple[int, int, int], int]] = {
    "gov-ch": ((4, 3, 0, 1), (4, 3, 1), 2),
    "gov-ke": ((2, 2, 1, 0), (2, 2, 1), 0),
    "priv-fr": ((3, 3, 0, 1), (3, 3, 1), 1),
    "priv-jp": ((1, 2, 0, 1), (1, 3, 0), 0),
    "cs-sn": ((2, 3, 0, 1), (1, 4, 1), 1),
}

#: Family names of every delegate made, to prove that none is published.
SURNAME = "Delegate-Surname"


@dataclass
class Known:
    process: Process
    geneva: Meeting
    prepcom: Meeting
    other: Meeting
    organisations: dict[str, Organisation] = field(default_factory=dict)
    replies: dict[str, Reply] = field(default_factory=dict)


def circular(meeting: Meeting, reference: str, **fields: object) -> Circular:
    values: dict[str, object] = {
        "reference": reference,
        "date": DISPATCHED.date(),
        "meeting": meeting,
        "addressees": "CEOs of ITU Sector Members",
        "signatory_name": "Secretary-General",
        "signatory_titles": "Secretary-General",
        "status": CircularStatus.DISPATCHED,
        "reply_deadline": DEADLINE,
    }
    values.update(fields)
    return Circular.objects.create(**values)


def invite(circular: Circular, organisations: list[Organisation], when: datetime.datetime) -> None:
    Invitation.objects.bulk_create(
        Invitation(circular=circular, organisation=o, language="en") for o in organisations
    )
    Invitation.objects.filter(circular=circular).update(created_at=when)


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=UTC)


def delegation(
    reply: Reply,
    genders: tuple[int, int, int, int],
    statuses: tuple[int, int, int],
    entered: int,
    meeting: Meeting,
    *,
    head: bool = True,
    level: str = "",
) -> list[Accreditation]:
    """Delegates with these genders and accreditations; `entered` of the approved checked in."""
    gender_list = ["female"] * genders[0] + ["male"] * genders[1] + ["other"] * genders[2]
    gender_list += [""] * genders[3]
    delegates = Delegate.objects.bulk_create(
        Delegate(
            reply=reply,
            position=n,
            is_head=head and n == 0,
            protocol_level=level if head and n == 0 else "",
            given_name=f"Given{reply.pk}x{n}",
            family_name=f"{SURNAME}{reply.pk}x{n}",
            gender=gender,
        )
        for n, gender in enumerate(gender_list)
    )
    status_list = [AccreditationStatus.APPROVED] * statuses[0]
    status_list += [AccreditationStatus.PENDING] * statuses[1]
    status_list += [AccreditationStatus.REJECTED] * statuses[2]
    accreditations = Accreditation.objects.bulk_create(
        Accreditation(
            delegate=delegate,
            meeting=meeting,
            status=status,
            reason="Not eligible" if status == AccreditationStatus.REJECTED else "",
        )
        for delegate, status in zip(delegates, status_list, strict=False)
    )
    for accreditation in accreditations[:entered]:
        CheckIn.objects.create(
            accreditation=accreditation, meeting=meeting, result=CheckInResult.ENTERED, desk="A"
        )
    return accreditations


def build() -> Known:
    process = ProcessFactory(code="wsis", name="World Summit on the Information Society")
    geneva = MeetingFactory(
        process=process,
        code="geneva-2003",
        title="WSIS Geneva phase",
        kind=MeetingKind.SUMMIT_PHASE,
        start_date=datetime.date(2003, 12, 10),
    )
    prepcom = MeetingFactory(
        process=process, code="prepcom-3", title="PrepCom-3", start_date=datetime.date(2003, 9, 15)
    )
    other = MeetingFactory(code="tunis-2005", title="WSIS Tunis phase")
    known = Known(process, geneva, prepcom, other)

    for key, (group, country, state, estimate, _head, submitted) in ORGANISATIONS.items():
        category, stakeholder_group = GROUPS[group]
        organisation = OrganisationFactory(
            name=f"Organisation {key}",
            category=category,
            stakeholder_group=stakeholder_group,
            country=country,
        )
        known.organisations[key] = organisation
        if state:
            known.replies[key] = Reply.objects.create(
                organisation=organisation,
                meeting=geneva,
                state=state,
                attending=state != ReplyState.DECLINED,
                estimated_participants=estimate,
                submitted_at=at_noon(submitted) if submitted else None,
            )

    dm1048 = circular(geneva, "DM-1048")
    invite(dm1048, list(known.organisations.values()), DISPATCHED)
    # A second circular to three of them: each still counts once.
    dm1050 = circular(geneva, "DM-1050", reply_deadline=None)
    again = [known.organisations[k] for k in ("gov-ch", "priv-fr", "io-zz")]
    invite(dm1050, again, DISPATCHED + datetime.timedelta(days=30))
    # A draft circular is not a dispatch.
    circular(geneva, "DM-DRAFT", status=CircularStatus.DRAFT)

    for key, (genders, statuses, entered) in DELEGATIONS.items():
        level = ORGANISATIONS[key][4]
        accreditations = delegation(
            known.replies[key], genders, statuses, entered, geneva, level=level
        )
        if key == "gov-ch":
            # Scanned again (a re-entry) and a refusal at the door: still 2 checked in.
            first = accreditations[0]
            CheckIn.objects.create(
                accreditation=first, meeting=geneva, result=CheckInResult.REENTERED, desk="A"
            )
            CheckIn.objects.create(
                accreditation=accreditations[5],
                meeting=geneva,
                result=CheckInResult.REFUSED,
                reason="Pending",
                desk="A",
            )
    # Taken out of the French delegation: not registered, not approved.
    withdrawn = delegation(known.replies["priv-fr"], (2, 0, 0, 0), (2, 0, 0), 0, geneva, head=False)
    Accreditation.objects.filter(pk__in=[a.pk for a in withdrawn]).update(
        status=AccreditationStatus.WITHDRAWN
    )
    # A draft names people too: not registered.
    delegation(known.replies["priv-ru"], (1, 1, 0, 0), (0, 0, 0), 0, geneva, level=CEO)

    # The PrepCom: Switzerland invited without answering; Germany (new) attends.
    germany = OrganisationFactory(
        name="Organisation gov-de",
        category=Category.MEMBER_STATE,
        stakeholder_group=StakeholderGroup.GOVERNMENTS,
        country="DE",
    )
    known.organisations["gov-de"] = germany
    prepcom_circular = circular(prepcom, "DM-0900", reply_deadline=None)
    invite(prepcom_circular, [known.organisations["gov-ch"], germany], DISPATCHED)
    german_reply = Reply.objects.create(
        organisation=germany,
        meeting=prepcom,
        state=ReplyState.SUBMITTED,
        attending=True,
        estimated_participants=2,
        submitted_at=at_noon(day(7, 20)),
    )
    delegation(german_reply, (1, 0, 0, 0), (1, 0, 0), 1, prepcom, level=CEO)

    # Another process's meeting: never counted here.
    tunis_circular = circular(other, "DM-2005")
    invite(tunis_circular, [known.organisations["gov-ch"]], DISPATCHED)
    tunis_reply = Reply.objects.create(
        organisation=known.organisations["gov-ch"],
        meeting=other,
        state=ReplyState.SUBMITTED,
        attending=True,
        estimated_participants=40,
        submitted_at=at_noon(day(7, 16)),
    )
    delegation(tunis_reply, (0, 2, 0, 0), (2, 0, 0), 2, other, level=CEO)
    return known


def grow(known: Known, organisations: int) -> None:
    """More of everything at Geneva, to prove the number of queries does not grow: each
    new organisation invited, attending, with two delegates, one approved and checked in."""
    circular_ = Circular.objects.get(reference="DM-1048")
    made = Organisation.objects.bulk_create(
        Organisation(
            name=f"Extra {n}",
            category=Category.ACADEMIA,
            stakeholder_group=StakeholderGroup.CIVIL_SOCIETY,
            country=("GH", "AR", "DE", "VN", "KZ", "QA")[n % 6],
            language="en",
        )
        for n in range(organisations)
    )
    invite(circular_, made, DISPATCHED)
    replies = Reply.objects.bulk_create(
        Reply(
            organisation=o,
            meeting=known.geneva,
            state=ReplyState.SUBMITTED,
            attending=True,
            estimated_participants=2,
            submitted_at=DISPATCHED + datetime.timedelta(days=n % 40),
        )
        for n, o in enumerate(made)
    )
    for reply in replies:
        delegation(reply, (1, 1, 0, 0), (1, 1, 0), 1, known.geneva, level=ProtocolLevel.OTHER)
