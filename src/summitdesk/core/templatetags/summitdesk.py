import datetime
from collections.abc import Iterable

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from summitdesk.core import permissions
from summitdesk.core.history import HistoryLine, describe_all
from summitdesk.core.models import AuditEntry
from summitdesk.meetings.models import Process

register = template.Library()


@register.simple_tag
def historical(process: Process, value: datetime.date | None) -> str:
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


@register.filter
def missing_for_badge(accreditation: object) -> list[str]:
    """`{% with lacking=a|missing_for_badge %}`: what the accreditation (loaded with its
    delegate) lacks for a badge; empty when it is ready."""
    from summitdesk.accreditation.completeness import missing_for_badge as lacking
    from summitdesk.accreditation.models import Accreditation

    if not isinstance(accreditation, Accreditation):
        return []
    return lacking(accreditation)


@register.simple_tag
def history_lines(entries: Iterable[AuditEntry] | None) -> list[HistoryLine]:
    """`{% history_lines history as lines %}`: audit entries in words (core.history)."""
    return describe_all(entries) if entries else []
