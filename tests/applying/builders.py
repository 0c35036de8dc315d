"""An admission policy with the WSIS-style checklist, applications, and small documents
of each kind, for the applicant's side."""

import datetime
import io
from typing import Any

import pypdf
from django.utils import timezone
from PIL import Image

from summitdesk.admission import applying
from summitdesk.admission.models import AdmissionPolicy, Application, RequiredDocument
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Process
from tests.factories import ProcessFactory

CHECKLIST = (
    "Statutes, constitution or by-laws",
    "Latest annual report with financial statements",
    "List of board members with their nationalities",
)


def policy(
    process: Process | None = None,
    *,
    categories: list[str] | None = None,
    groups: list[str] | None = None,
    opens_in_days: int = -10,
    closes_in_days: int | None = 30,
) -> AdmissionPolicy:
    """A process taking applications (by default from civil society and academia, for a
    month), with the three-line checklist."""
    now = timezone.now()
    made = AdmissionPolicy.objects.create(
        process=process
        or ProcessFactory(code="wsis", name="World Summit on the Information Society"),
        categories=[Category.CIVIL_SOCIETY, Category.ACADEMIA]
        if categories is None
        else categories,
        stakeholder_groups=[StakeholderGroup.CIVIL_SOCIETY] if groups is None else groups,
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=None if closes_in_days is None else now + datetime.timedelta(days=closes_in_days),
    )
    for position, title in enumerate(CHECKLIST):
        RequiredDocument.objects.create(policy=made, position=position, title=title)
    return made


def form_data(**changes: Any) -> dict[str, Any]:
    """What the Abidjan network types into the form."""
    return {
        "name": "Réseau ivoirien de la société civile pour le numérique",
        "acronym": "RISCN",
        "category": Category.CIVIL_SOCIETY,
        "stakeholder_group": StakeholderGroup.CIVIL_SOCIETY,
        "country": "CI",
        "address": "Cocody, Abidjan",
        "website": "https://riscn.example.org",
        "organisation_email": "contact@riscn.example.org",
        "language": "fr",
        "purpose": "Accès au numérique pour tous en Côte d'Ivoire.",
        "contact_title": "Mme",
        "contact_given_name": "Awa",
        "contact_family_name": "Kouassi",
        "contact_function": "Coordinatrice",
        "contact_email": "awa@riscn.example.org",
        "contact_phone": "+225 01 02 03 04",
        **changes,
    }


def application(made_policy: AdmissionPolicy, **changes: Any) -> Application:
    return applying.create_application(made_policy.process, form_data(**changes))


def pdf_bytes(text_pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _page in range(text_pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 60)).save(out, "PNG")
    return out.getvalue()


def drained(response: Any) -> bytes:
    """A file response's content, its file closed (closing the response itself would end
    the test's database connection, as the end of a request does)."""
    content = b"".join(response.streaming_content)
    for close in response._resource_closers:
        close()
    return content
