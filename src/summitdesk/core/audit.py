"""Recording changes: every service that changes data calls `record`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import translation

from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry, User


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff member, or a named system process (import, CLI, demo)."""

    user: User | None
    channel: Channel
    label: str = ""

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        if self.user is not None:
            return self.user.get_username()
        return str(Channel(self.channel).label)

    @classmethod
    def staff(cls, user: User, channel: Channel = Channel.BACKOFFICE) -> "Actor":
        return cls(user=user, channel=channel)

    @classmethod
    def system(cls, label: str, channel: Channel = Channel.SYSTEM) -> "Actor":
        return cls(user=None, channel=channel, label=label)


def _name(obj: models.Model) -> str:
    """How the trail names an object: in English whatever the language of the request, so
    that a meeting named in six languages keeps one name in its history."""
    with translation.override(None):
        return str(obj)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return _name(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, as they will be compared and stored."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def entry(
    obj: models.Model,
    action: str,
    *,
    actor: Actor,
    changes: dict[str, list[Any]] | None = None,
    organisation_id: int | None = None,
    note: str = "",
) -> AuditEntry:
    """An unsaved audit entry, for callers that write many at once."""
    return AuditEntry(
        actor=actor.user,
        actor_label=actor.name[:200],
        channel=actor.channel,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=_name(obj)[:300],
        organisation_id=organisation_id,
        changes=changes or {},
        note=note[:300],
    )


def record(
    obj: models.Model,
    action: str,
    *,
    actor: Actor,
    changes: dict[str, list[Any]] | None = None,
    organisation_id: int | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry for `obj` (call inside the transaction that changed it)."""
    audit_entry = entry(
        obj, action, actor=actor, changes=changes, organisation_id=organisation_id, note=note
    )
    audit_entry.save()
    return audit_entry
