import datetime
from collections.abc import Iterable

from django import template
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from summitdesk.core import permissions
from summitdesk.lib import locales
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
def bdi(value: object) -> SafeString:
    """`{{ person|bdi }}`: the name escaped and isolated for direction (<bdi>), so that a
    Latin name in an Arabic sentence, or an Arabic one in an English sentence, keeps its
    own direction and leaves the sentence's punctuation where it was. "" stays "" (no
    empty element)."""
    text = "" if value is None else str(value)
    return format_html("<bdi>{}</bdi>", text) if text else mark_safe("")


@register.filter
def join_list(items: Iterable[object], style: str = "standard") -> str:
    """`{{ names|join_list }}`: the items joined with the reader's language's separators
    ("A, B and C", "A وB وC", "A、B和C"); `|join_list:"or"` for a choice. Escaped by the
    template like any text."""
    return locales.join_list(items, style="or" if style == "or" else "standard")


@register.filter
def isolate(value: object) -> str:
    """`{{ name|isolate }}` in plain text (emails): the name between the Unicode marks that
    isolate it for direction (lib.locales.isolate), the plain-text <bdi>; the HTML part of
    an email turns them into <bdi> (correspondence.compose.html_paragraphs)."""
    return locales.isolate("" if value is None else str(value))
