"""Builders shared by the correspondence tests (and the API's): organisations, circular
DM-1048, the parts of an email."""

import datetime
import email
import email.policy
from email.message import EmailMessage as MimeMessage
from typing import Any

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence.enums import Enclosure
from summitdesk.correspondence.models import (
    Circular,
    CircularText,
)
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory, OrganisationFactory, PersonFactory, PositionFactory

SUBJECT = "World Summit on the Information Society (WSIS)\nGeneva, Switzerland, 10-12 December 2003"


BODY = (
    "The first phase of the World Summit on the Information Society will take place in "
    "Geneva from 10-12 December 2003.\n"
    "I am writing to invite {{ organisation }} to be represented at the highest level.\n\n"
    "We would appreciate a reply from {{ chief_executive }} by {{ deadline }}, online at "
    "{{ reply_link }}."
)


FRENCH_SUBJECT = "Sommet mondial sur la société de l'information (SMSI)"


FRENCH_BODY = "J'ai l'honneur d'inviter {{ organisation }} au {{ meeting }}."


SCRIPT_NAME = '<script>alert(1)</script> #panic("x")'


# 16:00 UTC is 18:00 in Geneva in September (summer time).
DEADLINE = datetime.datetime(2003, 9, 12, 16, 0, tzinfo=datetime.UTC)


def organisation(
    name: str,
    *,
    acronym: str = "",
    language: str = "en",
    country: str = "CH",
    address: str = "Place des Nations\n1211 Geneva 20",
    email: bool = True,
    focal_point: bool = True,
) -> Organisation:
    """An organisation with a chief executive (with email unless `email` is False) and,
    when `focal_point`, a designated focal point."""
    org = OrganisationFactory(
        name=name, acronym=acronym, language=language, country=country, address=address
    )
    PositionFactory(
        organisation=org,
        role=PositionRole.CHIEF_EXECUTIVE,
        function="Chief Executive Officer",
        person=PersonFactory(
            title="Dr",
            given_name="Amina",
            family_name=f"Diallo{org.pk}",
            email=f"ceo-{org.pk}@example.org" if email else "",
        ),
    )
    if focal_point and email:
        PositionFactory(
            organisation=org,
            role=PositionRole.FOCAL_POINT,
            function="Focal point",
            person=PersonFactory(email=f"focal-{org.pk}@example.org"),
        )
    return org


def wsis_meeting() -> Meeting:
    """The Geneva phase, some months ahead (as the demo replays it): reply links expire 30
    days after the meeting, so a meeting held in 2003 would issue links dead on arrival."""
    start = datetime.date.today() + datetime.timedelta(days=150)
    return MeetingFactory(
        code="geneva-2003",
        title="World Summit on the Information Society, first phase",
        time_zone="Europe/Zurich",
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
    )


def dm1048(
    organisations: list[Organisation],
    *,
    meeting: Meeting | None = None,
    french: bool = False,
    **changes: Any,
) -> Circular:
    """Circular DM-1048 as a draft to `organisations`, with an English text (and French)."""
    fields: dict[str, Any] = {
        "reference": "DM-1048",
        "date": datetime.date(2003, 7, 9),
        "meeting": meeting or wsis_meeting(),
        "letterhead": "International Telecommunication Union\nPlace des Nations\nCH-1211 Geneva 20",
        "addressees": "CEOs of ITU Sector Members and Accredited Business Sector Entities",
        "audience": {"include": [org.pk for org in organisations]},
        "signatory_name": "Yoshio UTSUMI",
        "signatory_titles": "Secretary-General, International Telecommunication Union (ITU)\n"
        "Chairman, High-Level Summit Organizing Committee (HLSOC)",
        "contact_name": "WSIS Executive Secretariat",
        "contact_tel": "+41 22 730 60 00",
        "contact_fax": "+41 22 730 63 93",
        "contact_email": "wsis@itu.int",
        "enclosures": [Enclosure.REPLY_FORM, Enclosure.INFORMATION_PACK],
        "reply_deadline": DEADLINE,
    }
    fields.update(changes)
    circular = Circular.objects.create(**fields)
    CircularText.objects.create(circular=circular, language="en", subject=SUBJECT, body=BODY)
    if french:
        CircularText.objects.create(
            circular=circular,
            language="fr",
            subject=FRENCH_SUBJECT,
            salutation="Madame, Monsieur,",
            body=FRENCH_BODY,
            closing="Veuillez agréer mes salutations distinguées.",
        )
    return circular


def parsed(raw: bytes) -> MimeMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, MimeMessage)
    return message


def html_part(message: MimeMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # as it went over SMTP


def text_part(message: MimeMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # as it went over SMTP


STAFF = Actor.system("secretary", Channel.BACKOFFICE)
