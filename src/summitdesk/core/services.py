"""Staff accounts: created and changed by administrators, every change recorded."""

from typing import Any

from django.db import transaction

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import User

STAFF_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "second_factor_required",
    "is_active",
)


@transaction.atomic
def save_staff(user: User, *, before: dict[str, Any], actor: Actor) -> None:
    """Save `user`, already carrying its new values; `before` is its snapshot before them."""
    creating = user.pk is None
    user.save()
    changes = audit.diff(before, audit.snapshot(user, STAFF_FIELDS))
    if changes:
        action = "summitdesk.staff.created" if creating else "summitdesk.staff.changed"
        audit.record(user, action, actor=actor, changes=changes)


PERSONAL_FIELDS = ("language", "time_zone")


@transaction.atomic
def save_personal_settings(user: User, *, language: str, time_zone: str, actor: Actor) -> None:
    """The language and time zone that `user` reads staff pages in ("" for the default:
    the browser's language, the meeting's zone)."""
    before = audit.snapshot(user, PERSONAL_FIELDS)
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=PERSONAL_FIELDS)
    changes = audit.diff(before, audit.snapshot(user, PERSONAL_FIELDS))
    if changes:
        audit.record(user, "summitdesk.staff.settings_changed", actor=actor, changes=changes)
