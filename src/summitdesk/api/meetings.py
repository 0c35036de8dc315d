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
from summitdesk.reports import figures

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
    online_access_given: bool
    photo_exempt_levels: list[str]


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
        # Whether online access details are set: the details themselves go only to each
        # online participant, on their own page.
        online_access_given=bool(meeting.online_access.strip()),
        photo_exempt_levels=list(meeting.photo_exempt_levels or []),
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


class ParticipantTypeOut(Schema):
    code: str
    name: str
    #: The name in the other five languages, where given.
    name_translations: dict[str, str]
    position: int
    list_section: int
    counts_against_limit: bool
    badge_colour: str
    badge_label: str
    registered_in_person: int
    registered_online: int


class ParticipantTypesOut(Schema):
    items: list[ParticipantTypeOut]


@meetings.get(
    "/{int:meeting_id}/participant-types",
    response={200: ParticipantTypesOut, **ERRORS},
)
@scope(READ)
def participant_types(request: HttpRequest, meeting_id: Id) -> HttpResponse:
    """The meeting's participant types in their order, each with its registered
    participants in person and online only (as the dashboard counts them)."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    data = [
        ParticipantTypeOut(
            code=counted.code,
            name=counted.type.name if counted.type else counted.code,
            name_translations=cleaned(counted.type.name_translations or {}) if counted.type else {},
            position=counted.type.position if counted.type else 0,
            list_section=counted.type.list_section if counted.type else 0,
            counts_against_limit=counted.type.counts_against_limit if counted.type else True,
            badge_colour=counted.type.badge_colour if counted.type else "",
            badge_label=counted.type.badge_label if counted.type else "",
            registered_in_person=counted.in_person,
            registered_online=counted.online,
        ).model_dump(mode="json")
        for counted in figures.registered_by_type([meeting])
    ]
    return with_etag(request, {"items": data})


@meetings.get("/{int:meeting_id}", response={200: MeetingOut, **ERRORS})
@scope(READ)
def get_meeting(request: HttpRequest, meeting_id: Id) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("process"), pk=meeting_id)
    return with_etag(request, meeting_data(meeting))
