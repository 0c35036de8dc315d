"""A meeting whose exports are known in advance: five organisations in five regions, their
replies, delegates and accreditations (one with identity document data)."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django import Settings

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Admission, Application
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.delegations.enums import JoinRequestStatus, ReplyState
from summitdesk.delegations.models import Delegate, JoinRequest, Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory, OrganisationFactory

SUBMITTED_AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def private_storage(settings: Settings, tmp_path: Path) -> Path:
    """Export files go to this test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return tmp_path / "files"


@dataclass
class World:
    meeting: Meeting
    circular: Circular
    swiss: Organisation  # Europe, submitted, 2 delegates: approved head, pending
    senegal: Organisation  # Africa, submitted, 1 delegate approved
    egypt: Organisation  # Arab States, amended, 1 delegate approved (a formula-like name)
    brazil: Organisation  # Americas, declined
    japan: Organisation  # Asia-Pacific, invited, silent
    approved_head: Accreditation


def make_circular(meeting: Meeting, reference: str = "CL-26/01") -> Circular:
    return Circular.objects.create(
        reference=reference,
        date=datetime.date(2026, 1, 9),
        meeting=meeting,
        addressees="Member States",
        signatory_name="Secretary-General",
        signatory_titles="Secretary-General",
        status=CircularStatus.DISPATCHED,
    )


def make_reply(
    organisation: Organisation, meeting: Meeting, state: ReplyState, **fields: object
) -> Reply:
    answered = state in (ReplyState.SUBMITTED, ReplyState.AMENDED)
    return Reply.objects.create(
        organisation=organisation,
        meeting=meeting,
        state=state,
        attending=True if answered else (False if state == ReplyState.DECLINED else None),
        submitted_at=SUBMITTED_AT if state != ReplyState.NOT_OPENED else None,
        **fields,
    )


def make_delegate(
    reply: Reply, family_name: str, *, head: bool = False, **fields: object
) -> Delegate:
    return Delegate.objects.create(
        reply=reply,
        family_name=family_name,
        is_head=head,
        position=0 if head else 1,
        **fields,
    )


def accredit(delegate: Delegate, status: AccreditationStatus, **fields: object) -> Accreditation:
    reason = "Not eligible" if status == AccreditationStatus.REJECTED else ""
    return Accreditation.objects.create(
        delegate=delegate, meeting=delegate.reply.meeting, status=status, reason=reason, **fields
    )


@pytest.fixture
def world(db: None) -> World:
    meeting = MeetingFactory(code="wsis-2026", title="WSIS 2026")
    circular = make_circular(meeting)
    swiss = OrganisationFactory(
        name="Swiss Federal Office of Communications",
        acronym="OFCOM",
        category=Category.MEMBER_STATE,
        stakeholder_group=StakeholderGroup.GOVERNMENTS,
        country="CH",
    )
    senegal = OrganisationFactory(
        name="Sonatel", category=Category.SECTOR_MEMBER, country="SN", itu_d=True
    )
    egypt = OrganisationFactory(
        name="=Egyptian Telecom", category=Category.SECTOR_MEMBER, country="EG"
    )
    brazil = OrganisationFactory(name="Anatel", category=Category.MEMBER_STATE, country="BR")
    japan = OrganisationFactory(name="NTT", category=Category.SECTOR_MEMBER, country="JP")
    for organisation in (swiss, senegal, egypt, brazil, japan):
        Invitation.objects.create(circular=circular, organisation=organisation, language="en")
    swiss_reply = make_reply(
        swiss,
        meeting,
        ReplyState.SUBMITTED,
        estimated_participants=3,
    )
    senegal_reply = make_reply(senegal, meeting, ReplyState.SUBMITTED, estimated_participants=1)
    egypt_reply = make_reply(egypt, meeting, ReplyState.AMENDED, entered_on_behalf=True)
    make_reply(brazil, meeting, ReplyState.DECLINED)
    head = make_delegate(
        swiss_reply,
        "Müller",
        head=True,
        protocol_level="chief_executive",
        title="Mr",
        given_name="Bernard",
        function="Director",
        email="bernard@example.ch",
        nationality="CH",
        consent_to_publish=True,
    )
    approved_head = accredit(
        head,
        AccreditationStatus.APPROVED,
        badge_number="000001",
        badge_version=1,
        passport_given_name="Bernard Louis",
        passport_family_name="MUELLER",
        date_of_birth=datetime.date(1970, 5, 17),
        document_number="X1234567",
        document_expires=datetime.date(2030, 1, 31),
    )
    accredit(make_delegate(swiss_reply, "Weber", given_name="Anna"), AccreditationStatus.PENDING)
    accredit(
        make_delegate(senegal_reply, "Diop", head=True, given_name="Awa"),
        AccreditationStatus.APPROVED,
        badge_number="000002",
        badge_version=1,
    )
    accredit(
        make_delegate(egypt_reply, "+Hassan", head=True, given_name="Omar"),
        AccreditationStatus.APPROVED,
        badge_number="000003",
        badge_version=1,
    )
    JoinRequest.objects.create(
        meeting=meeting,
        organisation=japan,
        given_name="Kenji",
        family_name="Sato",
        email="kenji.sato@example.jp",
        status=JoinRequestStatus.PENDING,
        email_confirmed_at=datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC),
    )
    # The process's admission: an application recommended, an organisation admitted.
    Application.objects.create(
        process=meeting.process,
        reference="APP-0001",
        status=ApplicationStatus.RECOMMENDED,
        name="Réseau numérique",
        category=Category.CIVIL_SOCIETY,
        stakeholder_group=StakeholderGroup.CIVIL_SOCIETY,
        country="CI",
        purpose="Digital inclusion.",
        contact_family_name="Kouassi",
        contact_email="awa@example.org",
    )
    Admission.objects.create(
        process=meeting.process, organisation=japan, admitted_on=datetime.date(2026, 1, 15)
    )
    return World(meeting, circular, swiss, senegal, egypt, brazil, japan, approved_head)


def many_accreditations(meeting: Meeting, count: int, *, per_reply: int = 50) -> None:
    """`count` approved accreditations of `meeting`, made in bulk."""
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bulk organisation {number}",
            name_key=f"bulk{number:06d}",
            category=Category.SECTOR_MEMBER,
            stakeholder_group=StakeholderGroup.PRIVATE_SECTOR,
            country="FR",
        )
        for number in range((count + per_reply - 1) // per_reply)
    )
    replies = Reply.objects.bulk_create(
        Reply(organisation=organisation, meeting=meeting, state=ReplyState.SUBMITTED)
        for organisation in organisations
    )
    delegates = Delegate.objects.bulk_create(
        Delegate(
            reply=replies[index // per_reply],
            position=index % per_reply,
            given_name="Jean",
            family_name=f"Dupont {index:06d}",
            email=f"jean.{index}@example.org",
        )
        for index in range(count)
    )
    Accreditation.objects.bulk_create(
        (
            Accreditation(
                delegate=delegate,
                meeting=meeting,
                status=AccreditationStatus.APPROVED,
                badge_number=f"{index + 1:06d}",
                badge_version=1,
                created_at=timezone.now(),
            )
            for index, delegate in enumerate(delegates)
        ),
        batch_size=1000,
    )
