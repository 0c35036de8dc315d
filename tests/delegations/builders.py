"""Builders shared by the delegation tests (and the portal's and the browser journeys'):
the summit, invitations, replies."""

import datetime
from dataclasses import replace
from typing import Any

from django.utils import timezone

from summitdesk.correspondence.models import Circular, CircularText, Invitation
from summitdesk.delegations.enums import ProtocolLevel
from summitdesk.delegations.services import (
    DelegateData,
    PersonData,
    ReplyData,
)
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory


def summit(**changes: object) -> Meeting:
    """The Geneva phase, some months ahead, so that reply links issued now are alive."""
    start = datetime.date.today() + datetime.timedelta(days=150)
    fields: dict[str, object] = {
        "code": "geneva-2003",
        "title": "World Summit on the Information Society, first phase",
        "time_zone": "Europe/Zurich",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=2),
    }
    fields.update(changes)
    return MeetingFactory(**fields)


def invite(
    organisation: Organisation,
    meeting: Meeting,
    *,
    deadline: datetime.datetime | None = None,
    reference: str = "DM-1048",
) -> Invitation:
    """An invitation of `organisation` to `meeting` by circular `reference` (made once)."""
    circular, _created = Circular.objects.get_or_create(
        reference=reference,
        defaults={
            "date": datetime.date(2003, 7, 9),
            "meeting": meeting,
            "addressees": "CEOs of ITU Sector Members and Accredited Business Sector Entities",
            "signatory_name": "Yoshio UTSUMI",
            "signatory_titles": "Secretary-General, International Telecommunication Union",
            "contact_email": "wsis@itu.int",
            "reply_deadline": deadline or timezone.now() + datetime.timedelta(days=30),
        },
    )
    CircularText.objects.get_or_create(
        circular=circular,
        language="en",
        defaults={"subject": "World Summit on the Information Society", "body": "Dear all."},
    )
    return Invitation.objects.create(
        circular=circular, organisation=organisation, language=organisation.language
    )


def person(given: str, family: str, **changes: str) -> PersonData:
    email = f"{given}.{family}@example.org".lower()
    return replace(PersonData(given_name=given, family_name=family, email=email), **changes)


def member(given: str, family: str, **changes: Any) -> DelegateData:
    return replace(DelegateData(family_name=family, given_name=given), **changes)


def delegation(names: list[tuple[str, str]], *, head: int | None = 0) -> list[DelegateData]:
    return [
        member(
            given,
            family,
            function=f"Function {index + 1}",
            is_head=index == head,
            protocol_level=ProtocolLevel.CHIEF_EXECUTIVE if index == head else "",
        )
        for index, (given, family) in enumerate(names)
    ]


def attending(
    names: list[tuple[str, str]], *, estimate: int | None = None, **changes: Any
) -> ReplyData:
    """A complete reply: attending, focal point Jane Doe, the people named, the first head."""
    data = ReplyData(
        attending=True,
        estimated_participants=estimate if estimate is not None else len(names),
        focal_point=person("Jane", "Doe", function="Head of external relations"),
        delegates=delegation(names),
    )
    return replace(data, **changes)
