"""Builders shared by the accreditation tests (and the API's): meetings, replies, accreditations."""

import datetime
import io
from collections.abc import Sequence

import zxingcpp
from django.core import mail, signing
from PIL import Image

from summitdesk.accreditation import services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory, OrganisationFactory
from tests.tasks import drop_queued_emails

SALT = "summitdesk.badge"


def make_accreditation(
    meeting: Meeting | None = None,
    *,
    status: str = AccreditationStatus.APPROVED,
    given: str = "Amina",
    family: str = "Diallo",
    organisation: str = "Sonatel",
    badge_version: int = 1,
) -> Accreditation:
    meeting = meeting or MeetingFactory()
    org = OrganisationFactory(name=organisation)
    reply = Reply.objects.create(organisation=org, meeting=meeting)
    delegate = Delegate.objects.create(
        reply=reply, given_name=given, family_name=family, function="Director"
    )
    return Accreditation.objects.create(
        delegate=delegate,
        meeting=meeting,
        status=status,
        reason="Not eligible" if status == AccreditationStatus.REJECTED else "",
        badge_version=badge_version,
    )


def code_of(accreditation: Accreditation, version: int | None = None) -> str:
    version = accreditation.badge_version if version is None else version
    return signing.Signer(salt=SALT).sign_object([accreditation.pk, version])


STAFF = Actor.system("secretary", Channel.BACKOFFICE)


def meeting(**changes: object) -> Meeting:
    start = datetime.date.today() + datetime.timedelta(days=60)
    values: dict[str, object] = {
        "code": "geneva-2003",
        "title": "World Summit, first phase",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=2),
    }
    values.update(changes)
    return MeetingFactory(**values)


def members(count: int, *, prefix: str = "Member") -> list[DelegateData]:
    return [
        DelegateData(
            family_name=f"{prefix} {index}",
            given_name="Ann",
            email=f"{prefix.lower()}{index}@example.org",
            is_head=index == 0,
            protocol_level="chief_executive" if index == 0 else "",
        )
        for index in range(count)
    ]


def submitted_reply(
    organisation: Organisation, at: Meeting, delegates: list[DelegateData]
) -> Reply:
    """A reply submitted by staff, naming `delegates`; the tasks it enqueued are dropped."""
    reply = delegation_services.reply_for(organisation, at)
    data = ReplyData(
        attending=True,
        estimated_participants=max(len(delegates), 1),
        focal_point=PersonData(family_name="Focal", given_name="Fay", email="focal@example.org"),
        delegates=delegates,
    )
    delegation_services.save_reply(reply, data, submit=True, actor=STAFF)
    drop_queued_emails()
    return reply


def accreditations(reply: Reply) -> list[Accreditation]:
    return list(Accreditation.objects.filter(delegate__reply=reply).order_by("delegate__position"))


def one(status: str = Status.PENDING) -> Accreditation:
    """One accreditation of a fresh reply, brought to `status` by the allowed moves."""
    organisation = OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER)
    [accreditation] = accreditations(submitted_reply(organisation, meeting(), members(1)))
    paths: dict[str, list[str]] = {
        Status.PENDING: [],
        Status.APPROVED: [Status.APPROVED],
        Status.REJECTED: [Status.REJECTED],
        Status.WITHDRAWN: [Status.WITHDRAWN],
        Status.REVOKED: [Status.APPROVED, Status.REVOKED],
    }
    for to in paths[status]:
        accreditation = services.transition(accreditation, to, reason="Because.", actor=STAFF)
    drop_queued_emails()
    mail.outbox.clear()
    return accreditation


def make_accreditations(
    meeting: Meeting,
    names: Sequence[tuple[str, str]],
    *,
    category: str = Category.MEMBER_STATE,
    organisation_name: str = "Ministry of Communications",
    country: str = "EG",
    status: str = AccreditationStatus.APPROVED,
    first_number: int = 1,
) -> list[Accreditation]:
    """Approved accreditations (badge version 1, numbered) for one organisation's reply."""
    organisation = OrganisationFactory(name=organisation_name, category=category, country=country)
    reply = Reply.objects.create(organisation=organisation, meeting=meeting)
    delegates = Delegate.objects.bulk_create(
        Delegate(reply=reply, position=index, given_name=given, family_name=family)
        for index, (given, family) in enumerate(names)
    )
    approved = status == AccreditationStatus.APPROVED
    return Accreditation.objects.bulk_create(
        Accreditation(
            delegate=delegate,
            meeting=meeting,
            status=status,
            badge_version=1 if approved else 0,
            badge_number=f"{first_number + index:05d}" if approved else "",
        )
        for index, delegate in enumerate(delegates)
    )


def loaded(accreditation: Accreditation) -> Accreditation:
    """The accreditation with what a badge prints selected with it."""
    return Accreditation.objects.select_related("delegate__reply__organisation", "meeting").get(
        pk=accreditation.pk
    )


def qr_png(text: str) -> bytes:
    """A PNG of a QR code of `text`, six pixels a module, as a camera test shows it."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    symbol = zxingcpp.write_barcode_to_image(code, scale=6, add_quiet_zones=True)
    height, width = symbol.shape[:2]
    image = Image.frombytes("L", (width, height), memoryview(symbol).tobytes())  # type: ignore[arg-type]
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
