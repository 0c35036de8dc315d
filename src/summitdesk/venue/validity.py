"""Who may go where, and when: an accreditation's valid dates and zones.

Staff may set them for one accreditation (AccreditationValidity); otherwise they are the
defaults of its participant type: the zones of the meeting's ZoneDefault rows for the
type's code (those of "delegate" when the type has none; every zone when the meeting set
no defaults at all), and the meeting's dates. The main entrance is open to every valid
accreditation on its valid days.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import OneToOneRel
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.directory.enums import Category
from summitdesk.lib import dates
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting
from summitdesk.venue.models import AccreditationValidity, Zone

DELEGATE = "delegate"
PRESS = "press"
#: The relation of an accreditation to its dates and zones set by staff, for
#: `select_related` (a scan reads them with the accreditation).
VALIDITY = "validity"


class ValidityError(Exception):
    """Dates or zones that cannot be saved; the message says why."""


def participant_type_code(accreditation: Accreditation) -> str:
    """The participant type of `accreditation`, as the code its zone defaults are kept
    under. The seam for the participant types of each meeting: until they are wired in,
    media organisations' delegates are "press" and everyone else a "delegate"."""
    return (
        PRESS if accreditation.delegate.reply.organisation.category == Category.MEDIA else DELEGATE
    )


@dataclass(frozen=True)
class Validity:
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    zone_ids: frozenset[int]
    #: True when no staff member set them: they follow the participant type's defaults.
    defaulted: bool

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


def default_zone_ids(meeting: Meeting, code: str) -> frozenset[int]:
    """The zones a participant type `code` may enter by default (see the module). One
    query: the meeting's zones, each with the participant types it is a default of."""
    every: set[int] = set()
    by_code: dict[str, set[int]] = {}
    for zone_id, type_code in (
        Zone.objects.filter(meeting=meeting)
        .order_by()
        .values_list("pk", "defaults__participant_type_code")
    ):
        every.add(zone_id)
        if type_code is not None:
            by_code.setdefault(type_code, set()).add(zone_id)
    if code in by_code:
        return frozenset(by_code[code])
    if DELEGATE in by_code:
        return frozenset(by_code[DELEGATE])
    return frozenset(every)


def _staff_set(accreditation: Accreditation) -> AccreditationValidity | None:
    """The accreditation's AccreditationValidity row, or None: the one read with it
    (`select_related(VALIDITY)`, as a gate scan does) without another query."""
    relation = Accreditation._meta.get_field(VALIDITY)
    assert isinstance(relation, OneToOneRel)
    if relation.is_cached(accreditation):
        found = relation.get_cached_value(accreditation)
        assert found is None or isinstance(found, AccreditationValidity)
        return found
    return AccreditationValidity.objects.filter(accreditation=accreditation).first()


def validity_of(accreditation: Accreditation, meeting: Meeting | None = None) -> Validity:
    """The dates and zones of `accreditation`: set by staff, or defaulted."""
    meeting = meeting or accreditation.meeting
    row = _staff_set(accreditation)
    if row is not None:
        zone_ids = frozenset(row.zones.values_list("pk", flat=True))
        return Validity(row.valid_from, row.valid_until, zone_ids, defaulted=False)
    return Validity(
        meeting.start_date,
        meeting.end_date,
        default_zone_ids(meeting, participant_type_code(accreditation)),
        defaulted=True,
    )


def meeting_today(meeting: Meeting, now: datetime.datetime | None = None) -> datetime.date:
    """The day it is now where the meeting takes place."""
    try:
        zone = ZoneInfo(meeting.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return timezone.localtime(now or timezone.now(), zone).date()


def refusal(validity: Validity, zone: Zone, day: datetime.date) -> str | None:
    """Why a gate of `zone` refuses on `day` an approved accreditation of `validity`, in
    the active language, or None when it lets them in."""
    if not zone.is_main_entrance and zone.pk not in validity.zone_ids:
        return _("Refused: not valid for this zone (%(zone)s).") % {"zone": localized(zone, "name")}
    if not validity.valid_on(day):
        first = dates.format_date(validity.valid_from) if validity.valid_from else "…"
        last = dates.format_date(validity.valid_until) if validity.valid_until else "…"
        return _("Refused: not valid today; the badge is valid from %(first)s to %(last)s.") % {
            "first": first,
            "last": last,
        }
    return None


def set_validity(
    accreditation: Accreditation,
    *,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    zones: list[Zone],
    actor: Actor,
) -> AccreditationValidity:
    """Set the dates and zones of one accreditation (no longer the type's defaults):
    days within the meeting's dates (when it has them), zones of its meeting only."""
    if valid_from and valid_until and valid_from > valid_until:
        raise ValidityError(_("The first valid day comes after the last one."))
    meeting = accreditation.meeting
    for day in (valid_from, valid_until):
        if day is None:
            continue
        if (meeting.start_date and day < meeting.start_date) or (
            meeting.end_date and day > meeting.end_date
        ):
            raise ValidityError(
                _("Valid days must be within the meeting's dates, %(first)s to %(last)s.")
                % {
                    "first": dates.format_date(meeting.start_date) if meeting.start_date else "…",
                    "last": dates.format_date(meeting.end_date) if meeting.end_date else "…",
                }
            )
    if any(zone.meeting_id != accreditation.meeting_id for zone in zones):
        raise ValidityError(_("A zone of another meeting cannot be given."))
    with transaction.atomic():
        before = validity_of(accreditation)
        row, _created = AccreditationValidity.objects.update_or_create(
            accreditation=accreditation,
            defaults={"valid_from": valid_from, "valid_until": valid_until},
        )
        row.zones.set(zones)
        audit.record(
            accreditation,
            "summitdesk.venue.validity_set",
            actor=actor,
            changes={
                "valid_from": [_iso(before.valid_from), _iso(valid_from)],
                "valid_until": [_iso(before.valid_until), _iso(valid_until)],
                "zones": [sorted(before.zone_ids), sorted(zone.pk for zone in zones)],
            },
        )
    return row


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
