"""Applications for admission in any status, made directly (the applicant's side has its
own tests): a process with a PrepCom, and documents stored in the test's storage."""

import datetime
import itertools
from typing import Any

from django.core.files.base import ContentFile

from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Application, ApplicationDocument
from summitdesk.core.audit import Actor
from summitdesk.core.documents import DocumentState
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Meeting, Process
from tests.factories import MeetingFactory, ProcessFactory

STAFF = Actor.system("tests")
_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n% statutes\n"


def prepcom(code: str = "prepcom-3", process: Process | None = None) -> Meeting:
    return MeetingFactory(
        code=code,
        process=process or ProcessFactory(code="wsis", name="WSIS"),
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 11, 6),
    )


def application(
    process: Process, status: str = ApplicationStatus.RECEIVED, **changes: Any
) -> Application:
    number = next(_numbers)
    fields: dict[str, Any] = {
        "process": process,
        "reference": f"APP-{number:05d}",
        "status": status,
        "name": f"Applicant Association {number}",
        "acronym": f"AA{number}",
        "category": Category.CIVIL_SOCIETY,
        "stakeholder_group": StakeholderGroup.CIVIL_SOCIETY,
        "country": "KE",
        "purpose": "Connecting rural schools.",
        "contact_given_name": "Wanjiru",
        "contact_family_name": f"Applicant{number}",
        "contact_email": f"wanjiru{number}@applicant.example.org",
        "email_confirmed_at": None
        if status == ApplicationStatus.UNCONFIRMED
        else datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC),
    }
    if status == ApplicationStatus.NOT_RECOMMENDED:
        fields["reasons"] = "Outside the process's scope."
    if status == ApplicationStatus.INCOMPLETE:
        fields["missing"] = "The statutes."
    fields.update(changes)
    return Application.objects.create(**fields)


def document(
    application: Application, *, state: str = DocumentState.ACCEPTED
) -> ApplicationDocument:
    stored = ApplicationDocument(
        application=application,
        original_name="statutes.pdf",
        media_type="application/pdf",
        size=len(PDF),
        state=state,
    )
    stored.file.save(f"test-{next(_numbers)}.pdf", ContentFile(PDF), save=False)
    stored.save()
    return stored
