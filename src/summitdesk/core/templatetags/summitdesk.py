import datetime
from collections.abc import Iterable
from typing import Protocol

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from summitdesk.core import permissions
from summitdesk.core.history import HistoryLine, describe_all
from summitdesk.core.models import AuditEntry
from summitdesk.lib import countries, dates, locales
from summitdesk.lib import localized as names
from summitdesk.lib.forms import required_marker as forms_marker

register = template.Library()

#: A moment recorded as text, with its offset: 2026-07-21T09:46:00+02:00 (or Z).


class Replayed(Protocol):
    """A process whose dates may stand for historical ones (meetings.models.Process)."""

    def historical(self, value: datetime.date | None) -> datetime.date | None: ...


@register.simple_tag
def historical(process: Replayed, value: datetime.date | None) -> str:
    """The historical date a replayed demo date stands for, formatted; empty otherwise."""
    past = process.historical(value)
    return dates.format_date(past) if past else ""


# Dates and times (lib/dates.py): the only way templates write them.


@register.filter
def day(value: datetime.date | None, zone: str | None = None) -> str:
    """`{{ meeting.start_date|day }}`: "9 July 2003" in the page's language. A datetime
    gives its date where the zone in effect is (`zone`: the meeting's); empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return dates.format_local_date(value, dates.zone_for(zone or None))
    return dates.format_date(value)


@register.filter
def when(value: datetime.datetime | None, zone: str | None = None) -> str:
    """`{{ reply.submitted_at|when:meeting.time_zone }}`: "12 September 2003, 18:00
    (Europe/Zurich)", in the staff member's own zone if they chose one, else in `zone`
    (the meeting's), else UTC; always named. Empty for None."""
    if value is None or value == "":
        return ""
    return dates.format_datetime(value, dates.zone_for(zone or None))


@register.filter
def clock(value: datetime.datetime | None, zone: str | None = None) -> str:
    """`{{ scan.created_at|clock:meeting.time_zone }}`: "18:00 (Europe/Zurich)", the zone
    chosen as by `when`. Empty for None."""
    if value is None or value == "":
        return ""
    return dates.format_time(value, dates.zone_for(zone or None))


@register.filter
def as_when(value: object, zone: str | None = None) -> object:
    """`{{ old|as_when:zone }}`: a value recorded as ISO 8601 text (an audit entry's change,
    "2026-07-21T09:46:00+02:00") written as `when` writes it; any other value as it is."""
    return dates.recorded_moment(value, zone)


@register.filter
def number(value: int | float | str | None) -> str:
    """`{{ counter|number }}`: a number as the page's language writes it in a sentence."""
    if value is None or isinstance(value, str):
        return value or ""
    return dates.format_number(value)


def _failed(value: object) -> bool:
    """Whether `value` is a form or formset that was submitted and refused."""
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and not value.is_valid()
    return False


@register.simple_tag(takes_context=True)
def error_title(context: template.Context) -> str:
    """`{% error_title as error_prefix %}<title>{{ error_prefix }}…`: "Error: " when the
    page answers a submission that failed (a form or formset with errors, or the page's own
    error summary), so that a screen reader's first words and the browser tab say so; the
    frames then load errors.js, which moves the focus to the error summary."""
    failed = any(bool(context.get(key)) for key in ("errors", "error", "refusal"))
    failed = failed or any(_failed(value) for layer in context.dicts for value in layer.values())
    return f"{_('Error:')} " if failed else ""


@register.simple_tag
def required_marker() -> SafeString:
    """`<label …>Reason{% required_marker %}</label>`: the mark of lib/forms.py, for a field
    written by hand in a template (which also gives its input `required aria-required`)."""
    return forms_marker()


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


@register.filter
def bdi(value: object) -> SafeString:
    """`{{ person|bdi }}`: the name escaped and isolated for direction (<bdi>), so that a
    Latin name in an Arabic sentence, or an Arabic one in an English sentence, keeps its
    own direction and leaves the sentence's punctuation where it was. "" stays "" (no
    empty element)."""
    text = "" if value is None else str(value)
    return format_html("<bdi>{}</bdi>", text) if text else mark_safe("")


@register.filter
def country(code: object) -> str:
    """`{{ application.country|country }}`: the country's name in the active language."""
    return countries.country_name(str(code or ""))


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


@register.simple_tag
def history_lines(
    entries: Iterable[AuditEntry] | None, zone: str | None = None
) -> list[HistoryLine]:
    """`{% history_lines history meeting.time_zone as lines %}`: audit entries in words
    (core.history), moments in the staff member's zone, else `zone`, else UTC."""
    return describe_all(entries, zone=zone) if entries else []
