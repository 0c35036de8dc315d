"""The demo's credentials: PrepCom-2's register with governments in each examined state,
two governments' mandate documents (tiny PDFs made here), and a nomination letter asked
of international organisations. Played through the credentials services; a second run
adds nothing."""

import datetime
import io

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile

from summitdesk.core.audit import Actor
from summitdesk.core.documents import inspect_stored
from summitdesk.credentials import queries, services
from summitdesk.credentials.enums import (
    CredentialsForm,
    DocumentKind,
    Examined,
    IssuedBy,
    PowersScope,
    Standing,
)
from summitdesk.credentials.models import Credentials
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting

MEETING_CODE = "prepcom-2"

#: The register, government by government in directory order: what was received and found.
ENTRIES = [
    services.CredentialsData(
        form=CredentialsForm.ORIGINAL,
        issued_by=IssuedBy.HEAD_OF_STATE,
        scope=PowersScope.FULL_POWERS,
        standing=Standing.FINAL,
        examined=Examined.IN_ORDER,
    ),
    services.CredentialsData(
        form=CredentialsForm.ORIGINAL,
        issued_by=IssuedBy.FOREIGN_MINISTER,
        scope=PowersScope.REPRESENTATION,
        standing=Standing.FINAL,
        examined=Examined.IN_ORDER,
    ),
    services.CredentialsData(
        form=CredentialsForm.COPY,
        issued_by=IssuedBy.FOREIGN_MINISTER,
        scope=PowersScope.REPRESENTATION,
        standing=Standing.PROVISIONAL,
        examined=Examined.PROVISIONAL,
        notes="Copy by fax; the original is to be handed over at the meeting.",
    ),
    services.CredentialsData(
        form=CredentialsForm.ELECTRONIC,
        issued_by=IssuedBy.OTHER,
        issuing_authority="Permanent Mission in Geneva",
        scope=PowersScope.REPRESENTATION,
        standing=Standing.PROVISIONAL,
        examined=Examined.NOT_IN_ORDER,
        notes="Issued by the Mission, not by the Head of State or the Minister.",
    ),
    services.CredentialsData(examined=Examined.MISSING),
    services.CredentialsData(
        form=CredentialsForm.ORIGINAL,
        issued_by=IssuedBy.HEAD_OF_STATE,
        scope=PowersScope.SIGNATURE,
        standing=Standing.FINAL,
    ),
]


def tiny_pdf(title: str) -> bytes:
    """A one-page PDF, valid for the inspection."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def load_credentials(*, actor: Actor) -> int:
    """Fill PrepCom-2's register; returns how many delegations were recorded (0 when the
    register had entries already, or there is no PrepCom-2)."""
    meeting = Meeting.objects.filter(code=MEETING_CODE).first()
    if meeting is None or Credentials.objects.filter(reply__meeting=meeting).exists():
        return 0
    services.set_requirement(
        meeting,
        Category.INTERNATIONAL_ORGANISATION,
        DocumentKind.NOMINATION_LETTER,
        required=True,
        actor=actor,
    )
    received_on = (meeting.start_date or datetime.date.today()) - datetime.timedelta(days=5)
    received_on = min(received_on, datetime.date.today())
    governments = list(queries.delegations(meeting)[: len(ENTRIES)])
    for reply, entry in zip(governments, ENTRIES, strict=False):
        data = entry
        if entry.form:
            data = services.CredentialsData(**{**entry.__dict__, "received_on": received_on})
        services.save_credentials(reply, data, actor=actor)
    for reply, kind in zip(
        governments[:2], (DocumentKind.CREDENTIALS_LETTER, DocumentKind.NOTE_VERBALE), strict=False
    ):
        content = tiny_pdf(f"{kind.label}, {reply.organisation.name}")
        upload = SimpleUploadedFile(f"{kind.value}.pdf", content, "application/pdf")
        document = services.upload_document(
            reply,
            kind,
            upload,
            name=upload.name or "",
            size=len(content),
            by_staff=True,
            actor=actor,
        )
        inspect_stored(document)
    return len(governments)
