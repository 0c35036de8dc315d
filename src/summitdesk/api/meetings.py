"""Meetings: read, and their change feed."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    Id,
    Page,
    changes_operation,
    feed_record,
    page_of,
    scope,
    with_etag,
)
from summitdesk.core.models import AuditEntry
from summitdesk.lib.localized import cleaned
from summitdesk.meetings.models import Meeting

meetings = Router(tags=["meetings"])

READ = "meetings:read"


class MeetingOut(Schema):
    id: int
    code: str
    title: str
    #: The title in French, Spanish, Arabic, Russian and Chinese ({"fr": "..."}), where
    #: staff have given it; English is `title`.
    title_translations: dict[str, str]
    process: str
    kind: str
    city: str
    country: str
    time_zone: str
    start_date: date | None
    end_date: date | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    status: str


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    return MeetingOut(
        id=meeting.pk,
        code=meeting.code,
        title=meeting.title,
        title_translations=cleaned(meeting.title_translations or {}),
        process=meeting.process.code,
        kind=meeting.kind,
        city=meeting.city,
        country=meeting.country,
        time_zone=meeting.time_zone,
        start_date=meeting.start_date,
        end_date=meeting.end_date,
        registration_opens_at=meeting.registration_opens_at,
        registration_closes_at=meeting.registration_closes_at,
        status=meeting.status,
    ).model_dump(mode="json")


@meetings.get("", response={200: Page[MeetingOut], **ERRORS})
@scope(READ)
def list_meetings(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    process: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Meetings in id order; `process` is a process code."""
    rows = Meeting.objects.select_related("process")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if process:
        rows = rows.filter(process__code=process)
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=meeting_data)


@changes_operation(meetings, ["meetings.meeting"], read_scope=READ)
def meeting_changes(entry: AuditEntry) -> dict[str, Any]:
    """Every change to meetings after `since`, in commit order."""
    return feed_record(entry, "meetings")


@meetings.get("/{int:meeting_id}", response={200: MeetingOut, **ERRORS})
@scope(READ)
def get_meeting(request: HttpRequest, meeting_id: Id) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("process"), pk=meeting_id)
    return with_etag(request, meeting_data(meeting))
