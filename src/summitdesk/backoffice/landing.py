"""Where each role lands after signing in, and at /: on its desk, where its work is.

- Check-in desk: the check-in desk of the meeting in progress, else of the next one; a
  choice of meetings when several are in progress (or start next on the same day).
- Badge desk: the badge desk (the meetings with badges to print).
- Communications officer: the reports (the dashboards, statistics and List of Participants).
- Credentials officer: the credentials registers (the only pages the role may open).
- Administrator, registration officer, viewer: the overview (the directory's figures and
  the meetings, from which circulars, replies and accreditations open).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from summitdesk.core.enums import Role
from summitdesk.core.permissions import role_of
from summitdesk.meetings.enums import MeetingStatus
from summitdesk.meetings.models import Meeting

#: The roles whose desk is not the overview, and the URL name of their desk.
DESKS: dict[Role, str] = {
    Role.CHECKIN_DESK: "backoffice:check-in-choice",
    Role.BADGE_DESK: "backoffice:badge-meetings",
    Role.COMMUNICATIONS: "dashboard:index",
    Role.CREDENTIALS_OFFICER: "backoffice:credentials-index",
}


def desk_url(user: object) -> str:
    """The URL of `user`'s desk when it is not the overview; empty otherwise."""
    role = role_of(user)
    name = DESKS.get(role) if role is not None else None
    return reverse(name) if name else ""


@dataclass(frozen=True)
class DeskChoice:
    """The meetings a check-in desk may be opening for: those in progress, else the next."""

    in_progress: list[Meeting]
    upcoming: list[Meeting]

    @property
    def only(self) -> Meeting | None:
        """The one meeting to open the desk of, when there is no choice to make."""
        candidates = self.in_progress or self.upcoming
        return candidates[0] if len(candidates) == 1 else None


def checkin_meetings(today: datetime.date | None = None) -> DeskChoice:
    """The meetings in progress on `today` (the local date by default), and the upcoming
    ones, next first; cancelled meetings and meetings without dates are left out."""
    today = today or timezone.localdate()
    dated = (
        Meeting.objects.exclude(status=MeetingStatus.CANCELLED)
        .filter(start_date__isnull=False)
        .select_related("process")
        .in_calendar_order()
    )
    in_progress = list(
        dated.filter(start_date__lte=today).filter(
            Q(end_date__gte=today) | Q(end_date__isnull=True, start_date=today)
        )
    )
    upcoming = list(dated.filter(start_date__gt=today)[:20])
    if not in_progress and upcoming:
        # Only those starting on the next day a meeting starts compete for the desk; the
        # others are listed all the same on the choice page.
        first = upcoming[0].start_date
        nearest = [meeting for meeting in upcoming if meeting.start_date == first]
        if len(nearest) == 1:
            return DeskChoice(in_progress=[], upcoming=nearest)
    return DeskChoice(in_progress=in_progress, upcoming=upcoming)
