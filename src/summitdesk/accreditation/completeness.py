"""What an accreditation still lacks for a badge: the photo and the identity data (names
as in the passport, nationality, date of birth, document number and expiry). One function
reads a loaded accreditation (with its delegate), one Q selects the ready ones in SQL, so
a list of any size costs no query per row."""

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations.enums import ProtocolLevel

#: The delegates whose protocol level the meeting exempts from the photo (the meeting's
#: `photo_exempt_levels`, a JSON list of levels, matched with their quotes).
PHOTO_EXEMPT = Q(pk__in=[])
for _level in ProtocolLevel.values:
    PHOTO_EXEMPT |= Q(
        delegate__protocol_level=_level, meeting__photo_exempt_levels__icontains=f'"{_level}"'
    )

#: Each thing a badge needs: its label, and the Q true when it is given (or not needed).
NEEDED: tuple[tuple[str, Promise, Q], ...] = (
    ("photo", _("photo"), ~Q(photo="") | PHOTO_EXEMPT),
    ("passport_given_name", _("given name(s) as in the passport"), ~Q(passport_given_name="")),
    ("passport_family_name", _("family name as in the passport"), ~Q(passport_family_name="")),
    ("nationality", _("nationality"), ~Q(delegate__nationality="")),
    ("date_of_birth", _("date of birth"), Q(date_of_birth__isnull=False)),
    ("document_number", _("identity document number"), ~Q(document_number="")),
    ("document_expires", _("identity document expiry"), Q(document_expires__isnull=False)),
    # A returning delegate (copied from an earlier meeting) confirms by their own link.
    (
        "confirmed",
        _("confirmation of attendance"),
        Q(delegate__returning_from__isnull=True) | Q(delegate__confirmed_at__isnull=False),
    ),
)

#: The accreditations that lack nothing for a badge.
READY = Q()
for _name, _label, _given in NEEDED:
    READY &= _given


def photo_exempt(accreditation: Accreditation) -> bool:
    """Whether the meeting exempts the delegate's protocol level from the photo."""
    level = accreditation.delegate.protocol_level
    return bool(level) and level in (accreditation.meeting.photo_exempt_levels or [])


def _value(accreditation: Accreditation, name: str) -> object:
    if name == "nationality":
        return accreditation.delegate.nationality
    if name == "confirmed":
        return not accreditation.delegate.awaits_confirmation
    if name == "photo" and photo_exempt(accreditation):
        return True
    return getattr(accreditation, name)


def missing_names(accreditation: Accreditation) -> list[str]:
    """The names (NEEDED's first column) of what `accreditation` lacks for a badge."""
    return [name for name, _label, _given in NEEDED if not _value(accreditation, name)]


def missing_for_badge(accreditation: Accreditation) -> list[str]:
    """The labels of what `accreditation` lacks for a badge, in a fixed order; empty when
    it is ready. The list column, the print run, the delegate's page and the reminder
    email all read this one function, so they name the same items."""
    return [str(label) for name, label, _given in NEEDED if not _value(accreditation, name)]


def missing_fields(accreditation: Accreditation) -> list[str]:
    """The names of what the delegate has still to give for the badge (the one list of
    what a badge needs, above)."""
    return missing_names(accreditation)


def missing_data(accreditation: Accreditation) -> list[str]:
    """The labels of what the delegate has still to give for the badge, as the
    accreditation list's completeness column names them."""
    return missing_for_badge(accreditation)
