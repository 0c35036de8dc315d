import io

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile

from summitdesk.core.documents import inspect_stored
from summitdesk.credentials import services
from summitdesk.credentials.enums import DocumentKind
from summitdesk.credentials.models import MandateDocument
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import STAFF, members, submitted_reply
from tests.factories import OrganisationFactory


def tiny_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "nomination.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf() if content is None else content, "application/pdf")


def government(at: Meeting, name: str = "Ruritania", *, delegates: int = 1) -> Reply:
    organisation = OrganisationFactory(name=name, category=Category.MEMBER_STATE, country="CH")
    return submitted_reply(organisation, at, members(delegates, prefix=name))


def received(reply: Reply, kind: str = DocumentKind.NOMINATION_LETTER) -> MandateDocument:
    """A document uploaded by staff for `reply` and inspected (accepted)."""
    upload = pdf_upload()
    document = services.upload_document(
        reply,
        kind,
        upload,
        name=upload.name or "x.pdf",
        size=upload.size or 0,
        by_staff=True,
        actor=STAFF,
    )
    inspect_stored(document)
    document.refresh_from_db()
    return document
