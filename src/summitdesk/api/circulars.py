"""Circulars: read, follow the sending, and dispatch as the back office does."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

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
    page_of,
    scope,
    with_etag,
)
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import services
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular

circulars = Router(tags=["circulars"])

READ = "circulars:read"
WRITE = "circulars:write"


class CircularTextOut(Schema):
    language: str
    subject: str


class CircularOut(Schema):
    id: int
    reference: str
    date: date
    meeting: int
    addressees: str
    signatory_name: str
    reply_deadline: datetime | None
    status: str
    texts: list[CircularTextOut]
    created_at: datetime
    updated_at: datetime


class CircularStatusOut(Schema):
    """The same figures as `summitdesk circular-status --format json`."""

    reference: str
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    in_doubt: int
    posted: int
    no_address: int
    done: bool


class DispatchOut(Schema):
    mailing: int
    status: CircularStatusOut


def circular_data(circular: Circular) -> dict[str, Any]:
    return CircularOut(
        id=circular.pk,
        reference=circular.reference,
        date=circular.date,
        meeting=circular.meeting_id,
        addressees=circular.addressees,
        signatory_name=circular.signatory_name,
        reply_deadline=circular.reply_deadline,
        status=circular.status,
        texts=[
            CircularTextOut(language=text.language, subject=text.subject)
            for text in circular.texts.all()
        ],
        created_at=circular.created_at,
        updated_at=circular.updated_at,
    ).model_dump(mode="json")


def _circular(pk: int) -> Circular:
    return get_object_or_404(Circular.objects.prefetch_related("texts"), pk=pk)


@circulars.get("", response={200: Page[CircularOut], **ERRORS})
@scope(READ)
def list_circulars(
    request: HttpRequest,
    meeting: Id | None = None,
    status: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    rows = Circular.objects.prefetch_related("texts")
    if meeting is not None:
        rows = rows.filter(meeting=meeting)
    if status:
        rows = rows.filter(status=status)
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=circular_data)


@changes_operation(circulars, ["correspondence.circular"], read_scope=READ)
def circular_changes(entry: AuditEntry) -> dict[str, Any]:
    """Every change to circulars after `since`, in commit order (dispatched, reminded and
    sent are actions of their own)."""
    return feed_record(entry, "circulars")


@circulars.get("/{int:circular_id}", response={200: CircularOut, **ERRORS})
@scope(READ)
def get_circular(request: HttpRequest, circular_id: Id) -> HttpResponse:
    return with_etag(request, circular_data(_circular(circular_id)))


@circulars.get("/{int:circular_id}/status", response={200: CircularStatusOut, **ERRORS})
@scope(READ)
def circular_status(request: HttpRequest, circular_id: Id) -> dict[str, Any]:
    """Where the sending of the circular's letters stands."""
    return services.circular_status(_circular(circular_id))


@circulars.post("/{int:circular_id}/dispatch", response={202: DispatchOut, **WRITE_ERRORS})
@scope(WRITE)
def dispatch_circular(request: HttpRequest, circular_id: Id) -> Status[dict[str, Any]]:
    """Send the circular to its audience: the letters are queued for the workers, as when
    dispatched from the back office. 409 once dispatched; 422 with the reasons when it
    is not ready."""
    circular = _circular(circular_id)
    if circular.status != CircularStatus.DRAFT:
        error(409, _("This circular has already been dispatched."))
    problems = services.problems(circular)
    if problems:
        error(422, _("This circular cannot be dispatched yet."), {"circular": problems})
    try:
        mailing = services.dispatch_circular(circular, actor=actor(request))
    except services.CircularError as refused:
        error(409, str(refused))
    return Status(
        202, {"mailing": mailing.pk, "status": services.circular_status(circular, mailing)}
    )
