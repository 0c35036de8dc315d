import datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from summitdesk.core import permissions
from summitdesk.lib import localized as names
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


@register.filter
def localized(obj: object, field: str) -> str:
    """`{{ meeting|localized:"title" }}`: the meeting's title in the page's language, else
    in English (lib/localized.py)."""
    if obj is None or obj == "":
        return ""
    return names.localized(obj, field)


@register.filter
def names_by_language(obj: object, field: str) -> list[tuple[str, str]]:
    """`{% for language, name in meeting|names_by_language:"title" %}`: the English name and
    each translation given, as (language code, text)."""
    return [
        ("en", str(getattr(obj, field))),
        *names.cleaned(getattr(obj, names.translations_field(field), None) or {}).items(),
    ]
