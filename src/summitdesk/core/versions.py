"""Versions of a row, and the conflict a service raises when it changed since it was read.

A version is the row's `updated_at`, to the microsecond, as text (what a form carries in
a hidden field and the API compares under the row's lock). A service given
`expected_version=` locks the row, then raises `Conflict` if its version is another one:
whoever asked (the back office, the API) saved nothing and can say who changed it, and
when, from the audit trail.
"""

from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.core.models import AuditEntry


class Versioned(Protocol):
    pk: Any
    updated_at: datetime


ModelT = TypeVar("ModelT", bound=models.Model)


def version_of(row: Versioned | None) -> str:
    """The version of `row` now ("" for a row not saved yet)."""
    if row is None or row.pk is None:
        return ""
    return f"{row.updated_at.timestamp():.6f}"


class Conflict(Exception):
    """The row changed since the version its writer read: nothing was saved.

    `changed_by` and `changed_at` come from the row's latest audit entry (`changed_by`
    is "" when the trail names nobody); `version` is the row's version now, for a form
    that lets its user save again over that change.
    """

    def __init__(self, changed_by: str, changed_at: datetime, version: str) -> None:
        super().__init__(changed_by, changed_at, version)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.version = version

    def __str__(self) -> str:
        return conflict_message(self)


def conflict_message(conflict: Conflict) -> str:
    """ "Changed by <name> at <time> since you opened it.", the time in the reader's zone."""
    when = date_filter(timezone.localtime(conflict.changed_at), "j F Y, H:i")
    if conflict.changed_by:
        return _("Changed by %(name)s at %(time)s since you opened it.") % {
            "name": conflict.changed_by,
            "time": when,
        }
    return _("Changed at %(time)s since you opened it.") % {"time": when}


def lock(queryset: "models.QuerySet[ModelT]", pk: Any) -> ModelT:
    """The row `pk` of `queryset`, locked until the end of the transaction."""
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def check(row: models.Model, expected_version: str | None) -> None:
    """Raise `Conflict` unless `row` (read under its lock) is at `expected_version`.

    None skips the check (a writer that read nothing first: an import, a task)."""
    if expected_version is None:
        return
    current = version_of(row)  # type: ignore[arg-type]
    if current == expected_version:
        return
    latest = (
        AuditEntry.objects.for_object(row).order_by("-id").only("actor_label", "created_at").first()
    )
    updated_at: datetime = row.updated_at  # type: ignore[attr-defined]
    if latest is not None and latest.created_at >= updated_at - _SAME_CHANGE:
        raise Conflict(latest.actor_label, latest.created_at, current)
    raise Conflict("", updated_at, current)


# The audit entry is written just after the row in the same transaction: an entry this
# much older than the row's `updated_at` is about an earlier change.
_SAME_CHANGE = timedelta(seconds=5)
