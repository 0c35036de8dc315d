"""A meeting's public statistics page: whether it is published, and what it shows.

The page shows the dashboard's figures for the whole meeting (no filters), which are
counts only: no name, address or organisation appears on it. Publishing is per meeting,
off by default, and every change is audited.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.meetings.models import Meeting

#: How long a rendered public page is reused, in seconds.
CACHE_SECONDS = 60


@transaction.atomic
def set_public_statistics(meeting: Meeting, *, enabled: bool, actor: Actor) -> bool:
    """Publish (or withdraw) the meeting's public statistics; returns whether it changed.

    Side effect: the cached page is dropped, so that a withdrawal takes effect at once.
    """
    if meeting.public_statistics == enabled:
        return False
    meeting.public_statistics = enabled
    meeting.save(update_fields=["public_statistics"])
    action = "published" if enabled else "withdrawn"
    audit.record(
        meeting,
        f"summitdesk.meeting.public_statistics_{action}",
        actor=actor,
        changes={"public_statistics": [not enabled, enabled]},
    )
    transaction.on_commit(lambda: forget(meeting))
    return True


def cache_key(meeting: Meeting, language: str) -> str:
    return f"public-statistics:{meeting.pk}:{language}"


def forget(meeting: Meeting) -> None:
    cache.delete_many([cache_key(meeting, code) for code, _name in settings.LANGUAGES])
