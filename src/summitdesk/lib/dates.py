"""Dates and times as people read them, in one place: one date format per language, and
every time in a zone that the text names.

- A date: "9 July 2003", "9 juillet 2003", "9 de julio de 2003", "2003年7月9日".
- A time: "12 September 2003, 18:00 (Europe/Zurich)": the zone is always written, since
  the reader may be anywhere.

Which zone: the meeting's where a page or message concerns one; a staff member's own
(their personal setting, `User.time_zone`, made current for their requests by
core.middleware.personal_settings) before the meeting's on staff pages; the server's
(UTC) otherwise. Templates use the filters of core/templatetags/summitdesk.py (`day`,
`when`, `number`), Python the functions here. Exports keep real dates and ISO text.
"""

import contextvars
import datetime
import functools
import re
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

#: Django's name of a language where it differs from the directory's ISO 639-1 code.
DJANGO_LANGUAGES = {"zh": "zh-hans"}
#: The date style of the secretariat's own letters ("9 July 2003"); other languages take
#: their locale's own (9 juillet 2003, 9 de julio de 2003, 2003年7月9日).
DATE_FORMATS = {"en": "j F Y"}

#: The zone a staff member chose, for the request being answered (None: none chosen).
_personal_zone: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "personal_zone", default=None
)


def django_language(language: str) -> str:
    return DJANGO_LANGUAGES.get(language, language)


def _language(language: str | None) -> str:
    return django_language(language or translation.get_language() or settings.LANGUAGE_CODE)


def is_time_zone(name: str) -> bool:
    return name in _zone_names()


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def activate_personal_zone(name: str | None) -> contextvars.Token[str | None]:
    """Make `name` the zone of the times written for this request (None: the default)."""
    return _personal_zone.set(name if name and is_time_zone(name) else None)


def reset_personal_zone(token: contextvars.Token[str | None]) -> None:
    _personal_zone.reset(token)


def zone_for(meeting_zone: str | None = None) -> str:
    """The zone to write a time in: the person's own if they chose one, else the
    meeting's (`meeting_zone`) when there is one, else the server's."""
    return _personal_zone.get() or meeting_zone or settings.TIME_ZONE


def format_date(value: datetime.date, language: str | None = None) -> str:
    """`value` written out in `language` (the current one by default): "9 July 2003",
    "9 juillet 2003". A datetime is written as its date where it is."""
    code = _language(language)
    with translation.override(code):
        return date_format(value, DATE_FORMATS.get(code, "DATE_FORMAT"))


def local(value: datetime.datetime, zone: str | None = None) -> datetime.datetime:
    """`value` on the clock of `zone` (zone_for(None) when not given)."""
    aware = value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    return aware.astimezone(ZoneInfo(zone or zone_for()))


def format_time(value: datetime.datetime, zone: str, language: str | None = None) -> str:
    """The time of day of `value` where `zone` is, with the zone: "18:00 (Europe/Zurich)"."""
    return f"{local(value, zone):%H:%M} ({zone})"


def format_datetime(value: datetime.datetime | None, zone: str, language: str | None = None) -> str:
    """`value` where `zone` is, the zone named: "12 September 2003, 18:00 (Europe/Zurich)".
    Empty for None."""
    if value is None:
        return ""
    moment = local(value, zone)
    # The catalogue gives each language its own punctuation (Chinese: no comma, wide brackets).
    with translation.override(_language(language)):
        return translation.gettext("%(date)s, %(time)s (%(zone)s)") % {
            "date": format_date(moment.date(), language),
            "time": f"{moment:%H:%M}",
            "zone": zone,
        }


def format_local_date(value: datetime.datetime, zone: str, language: str | None = None) -> str:
    """The date that `value` falls on where `zone` is (an expiry, a day of publication)."""
    return format_date(local(value, zone).date(), language)


def format_number(value: int | float, language: str | None = None) -> str:
    """A number as the language writes it inside a sentence: 12,500; 12 500; 12.500."""
    with translation.override(_language(language)):
        return number_format(value, force_grouping=True)


#: A moment recorded as ISO 8601 text (an audit entry's change: "2026-07-21T09:46:00+02:00").
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)")


def recorded_moment(value: object, zone: str | None = None) -> object:
    """A value recorded as ISO 8601 text written as `format_datetime` writes it, in the
    zone `zone_for(zone)` gives; any other value as it is."""
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_datetime(moment, zone_for(zone or None))
    return value
