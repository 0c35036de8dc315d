"""Two organisations invited to the same meeting, each with its letter's reply link: focal
point A (Acme) and focal point B (Borealis), who must never see A's data."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pytest_django import Settings

from summitdesk.correspondence import compose, reply_links
from summitdesk.correspondence.enums import MailingKind, MessageState
from summitdesk.correspondence.letters import render_letter
from summitdesk.correspondence.models import Invitation, Mailing, OutboundMessage
from summitdesk.delegations import services
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.delegations.builders import invite, summit
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

#: The reply deadline of the circular: 18:00 in Geneva (summer time).
DEADLINE = datetime.datetime(2099, 9, 12, 16, 0, tzinfo=datetime.UTC)
DEADLINE_TEXT = "12 September 2099, 18:00 (Europe/Zurich)"
PERSON_FIELDS = ("title", "given_name", "family_name", "function", "email", "phone")


@dataclass(frozen=True)
class Invited:
    """An invited organisation, its reply and its letter's reply link."""

    organisation: Organisation
    token: str

    @property
    def url(self) -> str:
        return f"/reply/{self.token}/"

    @property
    def reply(self) -> Reply:
        return Reply.objects.get(organisation=self.organisation)


def invited(meeting: Meeting, name: str, *, ceo: tuple[str, str], language: str = "en") -> Invited:
    organisation = OrganisationFactory(name=name, language=language, email="")
    PositionFactory(
        organisation=organisation,
        role=PositionRole.CHIEF_EXECUTIVE,
        person=PersonFactory(
            title="Dr",
            given_name=ceo[0],
            family_name=ceo[1],
            email=f"ceo@{name.split()[0].lower()}.example.org",
        ),
    )
    invitation = invite(organisation, meeting, deadline=DEADLINE)
    _link, token = reply_links.issue(organisation, meeting, invitation=invitation)
    services.reply_for(organisation, meeting)
    return Invited(organisation=organisation, token=token)


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    """Stored letters go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@pytest.fixture(autouse=True)
def _mail(settings: Settings) -> None:
    """Email kept in django.core.mail.outbox, unless a test starts the SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def written_letter(invited: Invited) -> OutboundMessage:
    """The circular's letter to `invited`, written (carrying its letter's link) and stored,
    as sending does."""
    invitation = Invitation.objects.get(organisation=invited.organisation)
    mailing = Mailing.objects.create(circular=invitation.circular, kind=MailingKind.LETTER)
    row = OutboundMessage.objects.create(
        mailing=mailing,
        invitation=invitation,
        state=MessageState.SENT,
        sent_at=timezone.now(),
        to=["ceo@example.org"],
    )
    letter = compose.letter_for(row, invited.token)
    row.pdf.save(f"letter-{row.pk}.pdf", ContentFile(render_letter(letter)))
    return row


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Invited:
    """Focal point A's organisation."""
    return invited(meeting, "Acme Telecom", ceo=("Amina", "Acmeceo"))


@pytest.fixture
def borealis(meeting: Meeting) -> Invited:
    """Focal point B's organisation, which must never see Acme's data."""
    return invited(meeting, "Borealis Networks", ceo=("Bjorn", "Borealceo"))


# A real SMTP server (the pattern of tests/correspondence/test_dispatch.py).


# The reply form as a browser posts it.

Member = tuple[str, str, str]  # given name, family name, function


def posted(
    *,
    action: str = "save",
    attending: str = "yes",
    decline_reason: str = "",
    estimate: int | None = None,
    head_level: str = "chief_executive",
    focal_point: dict[str, str] | None = None,
    backup: dict[str, str] | None = None,
    members: list[Member] | None = None,
    head: int | None = 0,
    rows: int | None = None,
    consent: tuple[int, ...] = (),
    note: str = "",
) -> dict[str, str]:
    """The form data of the reply page; `rows` blank member rows beyond `members`."""
    members = members or []
    data = {
        "action": action,
        "attending": attending,
        "decline_reason": decline_reason,
        "estimated_participants": "" if estimate is None else str(estimate),
        "note": note,
        "members-TOTAL_FORMS": str(len(members) + (rows or 0)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "205",
    }
    for prefix, values in (("focal_point", focal_point or {}), ("backup", backup or {})):
        for name in PERSON_FIELDS:
            data[f"{prefix}-{name}"] = values.get(name, "")
    for index, (given, family, function) in enumerate(members):
        data[f"members-{index}-given_name"] = given
        data[f"members-{index}-family_name"] = family
        data[f"members-{index}-function"] = function
        data[f"members-{index}-nationality"] = "CH"
        if index in consent:
            data[f"members-{index}-consent_to_publish"] = "on"
    if head is not None:
        data["head"] = str(head)
        if head < len(members):  # the delegation's level is its head's protocol level
            data[f"members-{head}-protocol_level"] = head_level
    return data


JANE = {
    "title": "Ms",
    "given_name": "Jane",
    "family_name": "Doe",
    "function": "Head of external relations",
    "email": "jane.doe@example.org",
    "phone": "+41 22 730 51 11",
}
DELEGATION: list[Member] = [
    ("Amina", "Acmeceo", "Chief Executive Officer"),
    ("Bruno", "Senior", "Senior Vice-President"),
    ("Carla", "Senior", "Senior Vice-President, Regulation"),
    ("Dmitri", "Adviser", "Adviser"),
    ("Elena", "Adviser", "Adviser"),
    ("Farid", "Adviser", "Adviser"),
]
