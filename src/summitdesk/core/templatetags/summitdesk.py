import datetime
from typing import Protocol

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from summitdesk.core import permissions

register = template.Library()


class Replayed(Protocol):
    """A process whose dates may stand for historical ones (meetings.models.Process)."""

    def historical(self, value: datetime.date | None) -> datetime.date | None: ...


@register.simple_tag
def historical(process: Replayed, value: datetime.date | None) -> str:
    """The historical date a replayed demo date stands for, formatted; empty otherwise."""
    past = process.historical(value)
    return date_format(past, "j F Y") if past else ""


@register.filter
def may(user: object, permission: str) -> bool:
    """`{% if user|may:"directory.change" %}`: the permission table, read by templates. An
    unknown permission is a ValueError, so a misspelt one cannot silently hide a menu."""
    return permissions.may(user, permissions.Permission(permission))


@register.filter
def code_spans(text: str) -> SafeString:
    """`text` escaped, with its `backquoted` parts as <code> (API descriptions)."""
    parts = str(text).split("`")
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            f"<code>{escape(part)}</code>" if index % 2 else str(escape(part))
            for index, part in enumerate(parts)
        )
    )
