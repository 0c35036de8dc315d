"""Applications for admission and the organisations admitted: read, their change feeds,
and a meeting's decision on several applications (admission.review.decide_many: all or
none, the same refusals as the staff page). The applicant's contact details and documents
are not served here."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from summitdesk.admission import review
from summitdesk.admission.models import Admission, Application
from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    WRITE_ERRORS,
    Id,
    Page,
    actor,
    changes_operation,
    error,
    feed_record,
    one_or_404,
    page_of,
    scope,
    with_etag,
)
from summitdesk.core.models import AuditEntry
from summitdesk.meetings.models import Meeting

applications = Router(tags=["admission"])
admissions = Router(tags=["admission"])

READ = "applications:read"
WRITE = "applications:write"
MAX_REFERENCES = 2000


class ApplicationOut(Schema):
    id: int
    reference: str
    process: str
    status: str
    name: str
    acronym: str
    category: str
    stakeholder_group: str
    country: str
    website: str
    missing: str = Field(description="What the applicant was asked for (incomplete).")
    reasons: str = Field(description="Reasons of a negative recommendation or decision.")
    decision_meeting: str | None = Field(description="Code of the meeting that decided.")
    decided_on: date | None
    organisation: int | None = Field(description="The directory entry, once known.")
    submitted_at: datetime


def application_data(application: Application) -> dict[str, Any]:
    return ApplicationOut(
        id=application.pk,
        reference=application.reference,
        process=application.process.code,
        status=application.status,
        name=application.name,
        acronym=application.acronym,
        category=application.category,
        stakeholder_group=application.stakeholder_group,
        country=application.country,
        website=application.website,
        missing=application.missing,
        reasons=application.reasons,
        decision_meeting=application.decision_meeting.code
        if application.decision_meeting
        else None,
        decided_on=application.decided_on,
        organisation=application.organisation_id,
        submitted_at=application.submitted_at,
    ).model_dump(mode="json")


def _rows() -> Any:
    return review.staff_applications().select_related("process", "decision_meeting")


@applications.get("", response={200: Page[ApplicationOut], **ERRORS})
@scope(READ)
def list_applications(
    request: HttpRequest,
    process: str = "",
    status: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Applications whose email address is confirmed, in id order; `process` is a process
    code, `status` one of the review's statuses."""
    rows = _rows()
    if process:
        rows = rows.filter(process__code=process[:40])
    if status:
        rows = rows.filter(status=status[:20])
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=application_data)


@changes_operation(applications, ["admission.application"], read_scope=READ)
def application_changes(entry: AuditEntry) -> dict[str, Any]:
    """Every change to applications after `since`, in commit order (reviews, decisions,
    deletions at the end of retention)."""
    return feed_record(entry, "applications")


@applications.get("/{int:application_id}", response={200: ApplicationOut, **ERRORS})
@scope(READ)
def get_application(request: HttpRequest, application_id: Id) -> HttpResponse:
    found = one_or_404(_rows(), application_id, _("No application with this id."))
    return with_etag(request, application_data(found))


class DecisionIn(Schema):
    meeting: str = Field(max_length=50, description="The code of the meeting that decided.")
    admit: list[str] = Field(default=[], max_length=MAX_REFERENCES)
    not_admit: list[str] = Field(default=[], max_length=MAX_REFERENCES)
    reasons: str = Field(default="", max_length=4000, description="Needed for not_admit.")
    decided_on: date | None = None


class DecisionOut(Schema):
    admitted: list[str]
    not_admitted: list[str]


@applications.post("/decisions", response={200: DecisionOut, **WRITE_ERRORS})
@scope(WRITE)
def record_decision(request: HttpRequest, decision: DecisionIn) -> HttpResponse:
    """Record a meeting's decision on applications named by reference: all or none (any
    unknown, undecidable or repeated reference refuses the whole decision, 422)."""
    meeting = Meeting.objects.filter(code=decision.meeting.strip()).first()
    if meeting is None:
        error(422, _("No meeting with this code."), {"meeting": [_("No meeting with this code.")]})
    try:
        done = review.decide_many(
            meeting,
            admit=[reference[:40] for reference in decision.admit],
            not_admit=[reference[:40] for reference in decision.not_admit],
            reasons=decision.reasons,
            decided_on=decision.decided_on,
            actor=actor(request),
        )
    except review.ReviewError as refused:
        error(422, str(refused))
    return with_etag(
        request,
        {
            "admitted": [application.reference for application in done.admitted],
            "not_admitted": [application.reference for application in done.not_admitted],
        },
    )


class AdmissionOut(Schema):
    id: int
    process: str
    organisation: int
    organisation_name: str
    application: str | None = Field(description="The reference of the application admitted.")
    meeting: str | None = Field(description="Code of the meeting whose decision admitted it.")
    admitted_on: date
    status: str = Field(description="admitted, suspended or withdrawn.")
    status_reason: str
    next_review_on: date | None


def admission_data(admission: Admission) -> dict[str, Any]:
    return AdmissionOut(
        id=admission.pk,
        process=admission.process.code,
        organisation=admission.organisation_id,
        organisation_name=admission.organisation.name,
        application=admission.application.reference if admission.application else None,
        meeting=admission.meeting.code if admission.meeting else None,
        admitted_on=admission.admitted_on,
        status=admission.status,
        status_reason=admission.status_reason,
        next_review_on=admission.next_review_on,
    ).model_dump(mode="json")


@admissions.get("", response={200: Page[AdmissionOut], **ERRORS})
@scope(READ)
def list_admissions(
    request: HttpRequest,
    process: str = "",
    status: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Organisations admitted to processes (suspended and withdrawn ones too), id order."""
    rows = Admission.objects.select_related("process", "organisation", "application", "meeting")
    if process:
        rows = rows.filter(process__code=process[:40])
    if status:
        rows = rows.filter(status=status[:20])
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=admission_data)


@changes_operation(admissions, ["admission.admission"], read_scope=READ)
def admission_changes(entry: AuditEntry) -> dict[str, Any]:
    """Every change to admissions after `since` (created, suspended, withdrawn,
    reinstated, reviewed), in commit order."""
    return feed_record(entry, "admissions")
