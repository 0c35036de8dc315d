"""Builders shared by the portal tests (and the browser journeys'): replies, delegates, emails."""

import datetime
from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage

from django.test import Client

from summitdesk.accreditation import delegate_links
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.models import Reply
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.meetings.models import Meeting
from tests.portal.conftest import DELEGATION, JANE, Invited, posted
from tests.tasks import drop_queued_emails


def plain(message: MimeMessage) -> str:
    """The plain-text part, with the line ends it had before SMTP."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


STAFF = Actor.system("secretary", Channel.BACKOFFICE)


NAMES = [("Amina", "Acmeceo"), ("Bruno", "Müller"), ("Carla", "Senior")]


def submit(invited: Invited, names: list[tuple[str, str]] = NAMES) -> Reply:
    """The organisation's reply submitted with `names` (the first heads the delegation):
    each delegate gets a pending accreditation."""
    reply = invited.reply
    data = ReplyData(
        attending=True,
        estimated_participants=len(names),
        focal_point=PersonData(family_name="Focal", given_name="Fay", email="fay@example.org"),
        delegates=[
            DelegateData(
                family_name=family,
                given_name=given,
                email=f"{given.lower()}@example.org",
                is_head=index == 0,
                protocol_level="chief_executive" if index == 0 else "",
            )
            for index, (given, family) in enumerate(names)
        ],
    )
    delegation_services.save_reply(reply, data, submit=True, actor=STAFF)
    drop_queued_emails()
    return reply


@dataclass(frozen=True)
class Named:
    """A delegate named in a submitted reply, with their own link."""

    invited: Invited
    accreditation: Accreditation
    token: str

    @property
    def url(self) -> str:
        return f"/accreditation/{self.token}/"

    @property
    def focal_point_url(self) -> str:
        return f"/accreditation/from-reply/{self.invited.token}/{self.accreditation.delegate_id}/"

    def fresh(self) -> Accreditation:
        return Accreditation.objects.select_related("delegate").get(pk=self.accreditation.pk)


def name_delegate(invited: Invited, family_name: str, email: str) -> Named:
    reply = invited.reply
    data = ReplyData(
        attending=True,
        estimated_participants=1,
        focal_point=PersonData(family_name="Focal", given_name="Fay", email="fay@example.org"),
        delegates=[
            DelegateData(
                family_name=family_name,
                given_name="Amina",
                email=email,
                is_head=True,
                protocol_level="chief_executive",
            )
        ],
    )
    delegation_services.save_reply(reply, data, submit=True, actor=STAFF)
    accreditation = Accreditation.objects.get(delegate__reply=reply)
    _link, token = delegate_links.issue(accreditation, actor=STAFF)
    return Named(invited=invited, accreditation=accreditation, token=token)


def form(meeting: Meeting, **changes: object) -> dict[str, object]:
    """The form as a browser posts it, every field valid."""
    assert meeting.end_date is not None
    data: dict[str, object] = {
        "passport_given_name": "Amina",
        "passport_family_name": "Diallo",
        "nationality": "SN",
        "date_of_birth": "1980-04-02",
        "document_number": "a12 345-678",
        "document_expires": (meeting.end_date + datetime.timedelta(days=400)).isoformat(),
        "consent_to_publish": "on",
        "zoom": "1",
        "position": "centre",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def delegation_url(invited: Invited) -> str:
    return f"{invited.url}delegation/"


def submit_from_portal(invited: Invited, **changes: object) -> None:
    """The focal point submits the reply on the portal's page (six delegates, Jane Doe as
    focal point); the emails it queues stay queued."""
    data = posted(action="submit", estimate=6, focal_point=JANE, members=DELEGATION)
    data.update({key: str(value) for key, value in changes.items()})
    assert Client().post(invited.url, data).status_code == 302
