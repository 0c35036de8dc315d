from typing import Any

from django.db import transaction

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.meetings.models import Meeting, Process

PROCESS_FIELDS = ("name", "name_translations", "description")

MEETING_FIELDS = (
    "process",
    "code",
    "title",
    "title_translations",
    "kind",
    "city",
    "country",
    "time_zone",
    "start_date",
    "end_date",
    "registration_opens_at",
    "registration_closes_at",
    "status",
    "approval_requires_identity",
    "printing_requires_identity",
    "photo_max_age_months",
    "photo_exempt_levels",
    "online_access",
    "list_shows_affiliation",
)


@transaction.atomic
def save_meeting(meeting: Meeting, data: dict[str, Any], *, actor: Actor) -> dict[str, list[Any]]:
    """Create or update a meeting; returns the recorded changes."""
    creating = meeting.pk is None
    before = {} if creating else audit.snapshot(meeting, MEETING_FIELDS)
    for field, value in data.items():
        setattr(meeting, field, value)
    changes = audit.diff(before, audit.snapshot(meeting, MEETING_FIELDS))
    if changes:
        meeting.full_clean()
        meeting.save()
        action = "summitdesk.meeting.created" if creating else "summitdesk.meeting.changed"
        audit.record(meeting, action, actor=actor, changes=changes)
    return changes


@transaction.atomic
def save_process(process: Process, data: dict[str, Any], *, actor: Actor) -> dict[str, list[Any]]:
    """Change a process's name (in the six languages) and description; returns the
    recorded changes."""
    before = audit.snapshot(process, PROCESS_FIELDS)
    for field, value in data.items():
        setattr(process, field, value)
    changes = audit.diff(before, audit.snapshot(process, PROCESS_FIELDS))
    if changes:
        process.full_clean()
        process.save()
        audit.record(process, "summitdesk.process.changed", actor=actor, changes=changes)
    return changes
