"""The permission table, walked cell by cell: every role against every permission, each
through a real address of the back office, with the roles the table allows as the positive
control of each row. Also: every staff address reads the table, every role has a row, and
docs/security.md prints the table as it is."""

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pytest_django import Settings

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.enums import Role
from summitdesk.core.permissions import DESCRIPTIONS, GRANTS, Permission, may, roles_with
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.mailbox import MailboxBackend
from summitdesk.correspondence.models import Invitation, MailboxMessage
from summitdesk.credentials.enums import DocumentKind
from summitdesk.credentials.models import MandateDocument
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import STAFF, accreditations, members, submitted_reply
from tests.admission.builders import application, document
from tests.delegations.builders import summit
from tests.factories import OrganisationFactory, UserFactory
from tests.portal.conftest import Invited, invited, written_letter

pytestmark = pytest.mark.django_db

P = Permission
SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
DOCUMENT_NUMBER = "A1234567"


@dataclass(frozen=True)
class World:
    """A meeting, an organisation invited with its letter as sent, an approved delegate with
    identity data and a photo, and a stored mail carrying a live reply link."""

    meeting: Meeting
    acme: Invited
    accreditation: Accreditation
    kept: MailboxMessage
    document: MandateDocument

    @property
    def code(self) -> str:
        return self.meeting.code

    @property
    def letters(self) -> str:
        invitation = Invitation.objects.get(organisation=self.acme.organisation)
        return f"/organisations/{self.acme.organisation.pk}/letters/{invitation.pk}"

    @property
    def reply(self) -> str:
        return f"/organisations/{self.acme.organisation.pk}/replies/{self.code}"


@pytest.fixture(autouse=True)
def _files_and_mail(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world() -> World:
    at = summit()
    acme = invited(at, "Acme Telecom", ceo=("Amina", "Acmeceo"))
    written_letter(acme)
    organisation = OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER)
    [accreditation] = accreditations(submitted_reply(organisation, at, members(1)))
    accreditation_services.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)
    Accreditation.objects.filter(pk=accreditation.pk).update(
        passport_given_name="Ann",
        passport_family_name="MEMBER",
        document_number=DOCUMENT_NUMBER,
        date_of_birth=datetime.date(1980, 5, 17),
    )
    accreditation.refresh_from_db()
    accreditation.photo.save("photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 a photo"))
    delegate = accreditation.delegate
    delegate.nationality = "EG"
    delegate.save()
    MailboxBackend().send_messages(
        [
            EmailMessage(
                subject="Your reply link",
                body=f"Reply here: {reply_links.reply_url('x' * 32)}",
                to=["focal@acme.example.org"],
            )
        ]
    )
    document = MandateDocument(
        reply=accreditation.delegate.reply,
        kind=DocumentKind.NOMINATION_LETTER,
        media_type="application/pdf",
        size=9,
        original_name="nomination.pdf",
    )
    document.file.save("documents/nomination.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return World(at, acme, accreditation, MailboxMessage.objects.get(), document)


@dataclass(frozen=True)
class Probe:
    """One address that only the permission opens: how to ask, and what a role that holds
    the permission gets (`allowed`) and one that does not (`refused`, 403 unless given)."""

    method: str
    url: Callable[[World], str]
    data: dict[str, Any] = field(default_factory=dict)
    allowed: int = 200
    content: str = ""  # what only a role holding the permission reads on the page

    def ask(self, client: Client, world: World) -> HttpResponse:
        url = self.url(world)
        if self.method == "post":
            return client.post(url, self.data)  # type: ignore[return-value]
        response = client.get(url)
        if response.streaming:  # a download: read to the end, which closes its file
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return response  # type: ignore[return-value]

    def outcome(self, response: HttpResponse) -> str:
        """'allowed', 'refused', or what else came back (a failure either way)."""
        if self.content:
            if response.status_code == 403:  # a role refused the whole page
                return "refused"
            if response.status_code != 200:
                return f"status {response.status_code}"
            return "allowed" if self.content in response.content.decode() else "refused"
        if response.status_code == self.allowed:
            return "allowed"
        if response.status_code == 403:
            return "refused"
        return f"status {response.status_code}"


def application_document(world: World) -> str:
    """An applicant's document (made on first use), to download."""
    applied = application(world.meeting.process)
    stored = document(applied)
    return f"/admission/applications/{applied.pk}/documents/{stored.pk}/"


def get(url: Callable[[World], str], **kwargs: Any) -> Probe:
    return Probe("get", url, **kwargs)


def post(url: Callable[[World], str], data: dict[str, Any] | None = None, **kw: Any) -> Probe:
    return Probe("post", url, data or {}, **kw)


PROBES: dict[Permission, Probe] = {
    P.DIRECTORY_READ: get(lambda w: "/organisations/"),
    P.DIRECTORY_CHANGE: get(lambda w: "/organisations/new/"),
    P.MEETINGS_READ: get(lambda w: "/meetings/"),
    P.MEETINGS_CHANGE: get(lambda w: "/meetings/new/"),
    P.CIRCULARS_READ: get(lambda w: "/circulars/"),
    P.CIRCULARS_SEND: get(lambda w: "/circulars/new/"),
    P.LETTERS_AS_SENT_READ: get(lambda w: f"{w.letters}/letter.pdf"),
    P.LETTERS_AS_SENT_READ_WITHHELD: get(lambda w: f"{w.letters}/letter-withheld.pdf"),
    P.MAILBOX_READ: get(lambda w: "/mailbox/"),
    P.STORED_MAIL_READ: get(lambda w: f"/mailbox/{w.kept.pk}/"),
    P.STORED_MAIL_READ_WITHHELD: get(lambda w: f"/mailbox/{w.kept.pk}/withheld/"),
    P.REPLIES_READ: get(lambda w: f"/meetings/{w.code}/replies/"),
    P.REPLIES_CHANGE: get(lambda w: f"{w.reply}/edit/"),
    P.REPLY_LINKS_MANAGE: post(lambda w: f"{w.reply}/links/new/"),
    P.PORTAL_ACT_AS_ORGANISATION: post(lambda w: f"{w.reply}/open-as-organisation/", allowed=302),
    P.ACCREDITATIONS_READ: get(lambda w: "/accreditations/"),
    P.ACCREDITATIONS_DECIDE: get(lambda w: f"/meetings/{w.code}/accreditations/limits/"),
    P.IDENTITY_DATA_READ: get(
        lambda w: f"/accreditations/{w.accreditation.pk}/", content=DOCUMENT_NUMBER
    ),
    P.IDENTITY_DATA_CHANGE: post(
        lambda w: f"/accreditations/{w.accreditation.pk}/identity/",
        {"document_number": DOCUMENT_NUMBER},
        allowed=302,
    ),
    P.PHOTOS_READ: get(lambda w: f"/accreditations/{w.accreditation.pk}/photo.jpg"),
    P.PHOTOS_CHANGE: get(lambda w: f"/accreditations/{w.accreditation.pk}/photo/"),
    P.BADGES_PRINT: get(lambda w: f"/meetings/{w.code}/badges/"),
    P.BADGE_TEMPLATES_MANAGE: post(
        lambda w: f"/meetings/{w.code}/badges/template/remove/", allowed=302
    ),
    P.VISA_LETTERS_PRINT: get(lambda w: f"/accreditations/{w.accreditation.pk}/visa-letter.pdf"),
    P.CHECKIN_ADMIT: get(lambda w: f"/meetings/{w.code}/check-in/"),
    P.VENUE_MANAGE: get(lambda w: f"/meetings/{w.code}/venue/"),
    P.OCCUPANCY_READ: get(lambda w: f"/meetings/{w.code}/venue/occupancy/"),
    P.PICKUP_MANAGE: get(lambda w: f"/meetings/{w.code}/pickup/slots/"),
    P.PICKUP_HAND_OVER: get(lambda w: f"/meetings/{w.code}/pickup/"),
    P.ONSITE_REGISTER: get(lambda w: f"/meetings/{w.code}/walk-ins/new/"),
    P.STATISTICS_READ: get(lambda w: f"/reports/meetings/{w.code}/"),
    P.STATISTICS_PUBLISH: post(
        lambda w: f"/reports/meetings/{w.code}/public-statistics/", allowed=302
    ),
    P.PARTICIPANTS_READ: get(lambda w: f"/meetings/{w.code}/list-of-participants/"),
    P.PARTICIPANTS_PUBLISH: get(lambda w: f"/meetings/{w.code}/list-of-participants/publish/"),
    P.APPLICATIONS_READ: get(lambda w: "/admission/"),
    P.APPLICATIONS_REVIEW: get(lambda w: f"/admission/{w.meeting.process.code}/decide/"),
    P.APPLICATION_DOCUMENTS_READ: get(application_document),
    P.EXPORTS_CREATE: post(lambda w: "/exports/organisations/", {"format": "csv"}),
    P.CREDENTIALS_READ: get(lambda w: f"/meetings/{w.code}/credentials/"),
    P.CREDENTIALS_EXAMINE: get(
        lambda w: f"/meetings/{w.code}/credentials/{w.accreditation.delegate.reply_id}/edit/"
    ),
    P.MANDATE_DOCUMENTS_READ: get(lambda w: f"/mandate-documents/{w.document.pk}/"),
    P.MANDATE_DOCUMENTS_CHANGE: post(
        lambda w: f"/meetings/{w.code}/credentials/{w.accreditation.delegate.reply_id}/documents/",
        allowed=302,
    ),
    P.STAFF_MANAGE: get(lambda w: "/staff/"),
    P.API_TOKENS_MANAGE: get(lambda w: "/api-tokens/"),
    P.WEBHOOKS_MANAGE: get(lambda w: "/webhooks/"),
}


def test_every_permission_has_a_probe_and_a_description() -> None:
    assert set(PROBES) == set(Permission)
    assert set(DESCRIPTIONS) == set(Permission)


def test_every_role_has_a_row_in_the_table() -> None:
    assert set(GRANTS) == set(Role)


def test_every_permission_is_held_by_some_role_besides_administrators() -> None:
    # Each column has a role to serve as its positive control; administrators hold all.
    assert GRANTS[Role.ADMINISTRATOR] == frozenset(Permission)
    assert [p for p in Permission if roles_with(p) == [Role.ADMINISTRATOR]] == [
        P.BADGE_TEMPLATES_MANAGE,
        P.STAFF_MANAGE,
        P.API_TOKENS_MANAGE,
        P.WEBHOOKS_MANAGE,
    ]


@pytest.mark.parametrize("permission", list(Permission))
def test_permission_table_cell_by_cell(world: World, permission: Permission) -> None:
    probe = PROBES[permission]
    outcomes = {}
    for role in Role:
        client = Client()
        client.force_login(UserFactory(username=f"staff-{role}", role=role))
        outcomes[role] = probe.outcome(probe.ask(client, world))

    expected = {role: "allowed" if permission in GRANTS[role] else "refused" for role in Role}
    assert outcomes == expected


def test_a_superuser_is_an_administrator_and_an_inactive_user_nobody() -> None:
    superuser = UserFactory(username="root", role=Role.VIEWER, is_superuser=True)
    inactive = UserFactory(username="gone", role=Role.ADMINISTRATOR, is_active=False)

    assert [may(superuser, p) for p in Permission] == [True] * len(Permission)
    assert [may(inactive, p) for p in Permission] == [False] * len(Permission)


# Every staff address reads the table

#: Addresses open without a permission: signing in and out, one's own second factor,
#: and the pages for the public, the portal, delegates, applicants and the API (their own
#: doors).
OPEN = {
    "backoffice:login",
    "backoffice:logout",
    "backoffice:second-factor",
    "backoffice:enrol-second-factor",
    "backoffice:recovery-codes",  # one's own recovery codes
    "backoffice:new-recovery-codes",
    "backoffice:personal-settings",  # one's own language and time zone
    "favicon",
    "health",  # the load balancer's check: reachable or not, nothing else
    "api-docs",  # the API's public reference page
}
OUTSIDE = ("public:", "portal:", "delegate:", "api:", "participants:public", "apply:")


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            found.append((f"{namespace}{pattern.name}", pattern.callback))
    return found


def test_every_staff_address_reads_the_permission_table() -> None:
    unguarded = sorted(
        name
        for name, view in _patterns(get_resolver())
        if name not in OPEN
        and not name.startswith(OUTSIDE)
        and not getattr(view, "permissions", None)
    )

    assert unguarded == []


# docs/security.md prints the table


def documented_matrix() -> dict[str, dict[str, bool]]:
    """The role matrix of docs/security.md: permission → role → allowed."""
    text = SECURITY_DOC.read_text()
    section = text.split("<!-- permission-table -->")[1].lstrip("\n")
    # The table is the run of table lines right after the marker (later tables are others').
    lines = list(itertools.takewhile(lambda line: line.startswith("|"), section.splitlines()))
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    matrix = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        permission = re.sub(r"`", "", cells[0])
        matrix[permission] = {
            role: cells[index] == "yes" for index, role in enumerate(header) if index >= 2
        }
    return matrix


def test_security_doc_matrix_is_the_permission_table() -> None:
    labels = {str(role.label): role for role in Role}

    documented = documented_matrix()

    assert {
        permission: {labels[label]: allowed for label, allowed in row.items()}
        for permission, row in documented.items()
    } == {
        str(permission): {role: permission in GRANTS[role] for role in Role}
        for permission in Permission
    }
