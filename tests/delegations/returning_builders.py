"""A process of three meetings for the returning-delegation tests (services, portal, back
office, browser): Acme sent four people to PrepCom-2, with their identity data and photos;
its reply about PrepCom-3 is still to be written, by the link of its letter."""

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from PIL import Image

from summitdesk.accreditation import delegate_links, photos
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import reply_links
from summitdesk.delegations import services
from summitdesk.delegations.enums import ProtocolLevel
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting, Process
from tests.delegations.builders import invite
from tests.factories import MeetingFactory, OrganisationFactory, ProcessFactory
from tests.tasks import drop_queued_emails

STAFF = Actor.system("secretary", Channel.BACKOFFICE)
PEOPLE = [
    ("Amina", "Diallo", "Minister", "SN"),
    ("Bruno", "Müller", "Adviser", "CH"),
    ("Carla", "Senior", "Counsellor", "FR"),
    ("Dmitri", "Volkov", "Expert", "KE"),
]


def png(colour: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (700, 900), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Process3:
    process: Process
    prepcom1: Meeting
    prepcom2: Meeting
    prepcom3: Meeting
    acme: Organisation
    earlier: Reply
    token: str

    @property
    def reply(self) -> Reply:
        return Reply.objects.get(organisation=self.acme, meeting=self.prepcom3)

    @property
    def url(self) -> str:
        return f"/reply/{self.token}/"

    def earlier_members(self) -> list[Delegate]:
        return list(self.earlier.delegates.order_by("-is_head", "position"))


def attended(
    organisation: Organisation,
    meeting: Meeting,
    people: list[tuple[str, str, str, str]],
    *,
    photo_days_ago: int | None = 30,
) -> Reply:
    """The organisation's submitted reply about `meeting` naming `people` (the first
    heads), each accreditation with identity data and, unless None, a photo uploaded
    `photo_days_ago` days ago."""
    reply = services.reply_for(organisation, meeting)
    data = ReplyData(
        attending=True,
        estimated_participants=len(people),
        focal_point=PersonData(family_name="Focal", given_name="Fay", email="fay@example.org"),
        delegates=[
            DelegateData(
                family_name=family,
                given_name=given,
                function=function,
                email=f"{given.lower()}@acme.example.org",
                nationality=country,
                gender="female",
                consent_to_publish=True,
                affiliation="Ministry of Posts" if index == 1 else "",
                relationship="staff" if index == 1 else "",
                is_head=index == 0,
                protocol_level=ProtocolLevel.CHIEF_EXECUTIVE if index == 0 else "",
            )
            for index, (given, family, function, country) in enumerate(people)
        ],
    )
    services.save_reply(reply, data, submit=True, actor=STAFF)
    for accreditation in Accreditation.objects.filter(delegate__reply=reply):
        Accreditation.objects.filter(pk=accreditation.pk).update(
            passport_given_name=accreditation.delegate.given_name.upper(),
            passport_family_name=accreditation.delegate.family_name.upper(),
            date_of_birth=datetime.date(1970, 1, 2),
            document_number="P1234567",
            document_expires=datetime.date(2099, 1, 1),
        )
        if photo_days_ago is not None:
            photos.save_photo(accreditation, png(), None, actor=STAFF)
            Accreditation.objects.filter(pk=accreditation.pk).update(
                photo_uploaded_at=timezone.now() - datetime.timedelta(days=photo_days_ago)
            )
    drop_queued_emails()
    return Reply.objects.get(pk=reply.pk)


def build(*, photo_days_ago: int | None = 30) -> Process3:
    today = datetime.date.today()
    process = ProcessFactory(code="wsis", name="WSIS")
    prepcom1 = MeetingFactory(
        process=process,
        code="prepcom-1",
        title="PrepCom-1",
        start_date=today - datetime.timedelta(days=300),
    )
    prepcom2 = MeetingFactory(
        process=process,
        code="prepcom-2",
        title="PrepCom-2",
        start_date=today - datetime.timedelta(days=60),
    )
    prepcom3 = MeetingFactory(
        process=process,
        code="prepcom-3",
        title="PrepCom-3",
        start_date=today + datetime.timedelta(days=60),
    )
    acme = OrganisationFactory(name="Acme", language="en", email="")
    earlier = attended(acme, prepcom2, PEOPLE, photo_days_ago=photo_days_ago)
    invitation = invite(acme, prepcom3, reference="DM-3003")
    _link, token = reply_links.issue(acme, prepcom3, invitation=invitation)
    services.reply_for(acme, prepcom3)
    return Process3(process, prepcom1, prepcom2, prepcom3, acme, earlier, token)


def delegate_link(delegate: Delegate) -> str:
    """The returning delegate's own link (their accreditation's), as their email carries it."""
    accreditation = Accreditation.objects.get(delegate=delegate)
    _link, token = delegate_links.issue(accreditation, actor=STAFF)
    return f"/accreditation/{token}/"
