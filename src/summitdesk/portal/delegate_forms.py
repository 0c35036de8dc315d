"""The delegate's accreditation form: names as in the passport, nationality, date of birth,
identity document, consent to the List of Participants, and the photo with its crop.

Every field may be left for later (the page lists what is still missing), but what is
given is checked, with a message that says what to correct: names as printed, a date of
birth in the past and within a lifetime, a document valid until the meeting ends. Once the
accreditation is approved, the identity fields and the photo are shown but locked (the
badge was approved on them: a change then goes through the secretariat); the consent
stays the delegate's to change.
"""

import datetime
import re
import unicodedata
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitdesk.accreditation import photos, services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.directory.validators import validate_name
from summitdesk.lib import dates
from summitdesk.lib.countries import country_choices

#: The oldest date of birth accepted, in years before today.
MAX_AGE_YEARS = 120
#: The furthest expiry accepted, in years after today (passports last ten at most).
MAX_VALIDITY_YEARS = 20
#: Document numbers as printed: letters and digits (spaces and hyphens dropped).
DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{4,20}$")
#: Characters a passport name may have besides letters: space, hyphen, apostrophes, dot.
NAME_PUNCTUATION = frozenset(" -'\u2019.\u200c\u200d")
#: What `Framing` a page without JavaScript offers: the share of the picture kept, and
#: where the frame sits from top to bottom.
ZOOMS = {"1": 1.0, "0.8": 0.8, "0.65": 0.65}
POSITIONS = {"top": 0.0, "upper": 0.25, "centre": 0.5}
#: The fields locked once approved: the identity document's and the nationality.
IDENTITY = (*services.IDENTITY_FIELDS, "nationality")
CROP_FIELDS = ("crop_x", "crop_y", "crop_width", "crop_height")


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DelegateForm(forms.Form):
    passport_given_name = forms.CharField(
        label=gettext_lazy("Given name(s) as in the passport"), max_length=150, required=False
    )
    passport_family_name = forms.CharField(
        label=gettext_lazy("Family name as in the passport"), max_length=150, required=False
    )
    nationality = forms.ChoiceField(label=gettext_lazy("Nationality"), required=False)
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"), required=False, widget=DateInput()
    )
    document_number = forms.CharField(
        label=gettext_lazy("Passport or identity card number"), max_length=50, required=False
    )
    document_expires = forms.DateField(
        label=gettext_lazy("Expiry date of the document"), required=False, widget=DateInput()
    )
    consent_to_publish = forms.BooleanField(
        label=gettext_lazy("I agree that my name appears on the published List of Participants"),
        required=False,
    )
    # Two ways to give the photo: a phone opens its camera straight away for an input with
    # `capture` (and then offers no gallery), so a plain file input stands beside it.
    photo = forms.FileField(
        label=gettext_lazy("Take a photo with the camera"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png", "capture": "user"}),
    )
    photo_file = forms.FileField(
        label=gettext_lazy("Or choose a picture file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    crop_x = forms.CharField(required=False, widget=forms.HiddenInput)
    crop_y = forms.CharField(required=False, widget=forms.HiddenInput)
    crop_width = forms.CharField(required=False, widget=forms.HiddenInput)
    crop_height = forms.CharField(required=False, widget=forms.HiddenInput)
    zoom = forms.ChoiceField(
        label=gettext_lazy("How much of the picture"),
        required=False,
        initial="1",
        widget=forms.RadioSelect,
        choices=[
            ("1", gettext_lazy("All of it")),
            ("0.8", gettext_lazy("Closer")),
            ("0.65", gettext_lazy("Closest")),
        ],
    )
    position = forms.ChoiceField(
        label=gettext_lazy("Where the frame sits"),
        required=False,
        initial="centre",
        widget=forms.RadioSelect,
        choices=[
            ("top", gettext_lazy("At the top")),
            ("upper", gettext_lazy("Higher")),
            ("centre", gettext_lazy("In the middle")),
        ],
    )

    def __init__(self, *args: Any, accreditation: Accreditation, **kwargs: Any) -> None:
        delegate = accreditation.delegate
        kwargs.setdefault(
            "initial",
            {
                **{name: getattr(accreditation, name) for name in services.IDENTITY_FIELDS},
                "nationality": delegate.nationality,
                "consent_to_publish": delegate.consent_to_publish,
                "zoom": "1",
                "position": "centre",
            },
        )
        super().__init__(*args, **kwargs)
        self.accreditation = accreditation
        self.fields["nationality"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]
        help_texts = {
            "passport_given_name": _("Exactly as printed in the passport."),
            "document_number": _("Letters and digits as printed on the document."),
            "document_expires": _("The document must be valid until the meeting ends."),
            "photo": _(
                "A recent photo of your face, looking at the camera, on a plain light "
                "background: JPEG or PNG, at least %(width)d by %(height)d pixels, at most "
                "%(size)d MB. On a phone, this opens the camera."
            )
            % {
                "width": photos.MIN_WIDTH,
                "height": photos.MIN_HEIGHT,
                "size": photos.MAX_UPLOAD_BYTES // (1024 * 1024),
            },
        }
        for name, text in help_texts.items():
            self.fields[name].help_text = text
        if self.locked:
            for name in (*IDENTITY, "photo", "photo_file", *CROP_FIELDS, "zoom", "position"):
                self.fields[name].disabled = True

    @property
    def locked(self) -> bool:
        """Whether the identity data and the photo are locked (the accreditation is approved)."""
        return self.accreditation.status == AccreditationStatus.APPROVED

    def _name(self, field: str) -> str:
        typed = str(self.cleaned_data.get(field) or "")
        validate_name(typed.strip())  # what every name refuses, with the same message
        value = unicodedata.normalize("NFC", " ".join(typed.split()))
        # Letters with their combining marks (an Indic virama), and the zero-width
        # joiner and non-joiner that Persian and Indic names need.
        if any(not (char.isalpha() or char in NAME_PUNCTUATION or _mark(char)) for char in value):
            raise forms.ValidationError(
                _(
                    "Write the name as printed in the passport: letters, spaces, hyphens "
                    "and apostrophes only."
                )
            )
        return value

    def clean_passport_given_name(self) -> str:
        return self._name("passport_given_name")

    def clean_passport_family_name(self) -> str:
        return self._name("passport_family_name")

    def clean_date_of_birth(self) -> datetime.date | None:
        born: datetime.date | None = self.cleaned_data.get("date_of_birth")
        if born is None:
            return None
        today = datetime.date.today()
        if born >= today:
            raise forms.ValidationError(_("The date of birth must be in the past."))
        if born < _years_before(today, MAX_AGE_YEARS):
            raise forms.ValidationError(
                _("The date of birth is more than %(years)d years ago: check the year.")
                % {"years": MAX_AGE_YEARS}
            )
        return born

    def clean_document_number(self) -> str:
        raw = str(self.cleaned_data.get("document_number") or "")
        number = re.sub(r"[\s-]+", "", raw).upper()
        if number and not DOCUMENT_NUMBER.match(number):
            raise forms.ValidationError(
                _(
                    "The document number is made of 4 to 20 letters and digits, as printed "
                    "on the document."
                )
            )
        return number

    def clean_document_expires(self) -> datetime.date | None:
        expires: datetime.date | None = self.cleaned_data.get("document_expires")
        if expires is None:
            return None
        meeting = self.accreditation.meeting
        last_day = meeting.end_date or meeting.start_date or datetime.date.today()
        if expires < last_day:
            raise forms.ValidationError(
                _(
                    "This document expires on %(expires)s, before the meeting ends on "
                    "%(end)s: give a document that is valid until then."
                )
                % {
                    "expires": dates.format_date(expires),
                    "end": dates.format_date(last_day),
                }
            )
        if expires > _years_before(datetime.date.today(), -MAX_VALIDITY_YEARS):
            raise forms.ValidationError(
                _("The expiry date is more than %(years)d years away: check the year.")
                % {"years": MAX_VALIDITY_YEARS}
            )
        return expires

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [cleaned[name] for name in ("photo", "photo_file") if cleaned.get(name)]
        if len(given) > 1:
            self.add_error(
                "photo",
                _("Give one photo: either take it with the camera or choose a file."),
            )
        elif given and (given[0].size is None or given[0].size > photos.MAX_UPLOAD_BYTES):
            self.add_error(
                "photo",
                _("The photo is too large: at most %(size)d MB are accepted.")
                % {"size": photos.MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return cleaned

    def upload(self) -> UploadedFile[bytes] | None:
        """The photo given, by the camera or as a file; None without one (or once locked)."""
        if self.locked:
            return None
        camera = self.cleaned_data.get("photo")
        found: UploadedFile[bytes] | None = camera or self.cleaned_data.get("photo_file")
        return found

    def crop(self) -> photos.Crop | photos.Framing | None:
        """The crop the person adjusted (the page's script), else the framing chosen without
        it, else None (the centred crop). Raises PhotoError for a malformed crop."""
        values = [str(self.cleaned_data.get(name) or "") for name in CROP_FIELDS]
        crop = photos.Crop.from_strings(*values)
        if crop is not None:
            return crop
        zoom = ZOOMS.get(str(self.cleaned_data.get("zoom") or ""), 1.0)
        vertical = POSITIONS.get(str(self.cleaned_data.get("position") or ""), 0.5)
        if zoom == 1.0 and vertical == 0.5:
            return None
        return photos.Framing(zoom=zoom, vertical=vertical)

    def identity(self) -> dict[str, Any]:
        """The identity document fields as given (nationality is the delegate's)."""
        return {
            name: self.cleaned_data[name]
            for name in services.IDENTITY_FIELDS
            if name in self.cleaned_data
        }

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) of every error, for the summary at the top of the page."""
        summary = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                summary.append((f"field-{name}", f"{label}: {error}" if label else str(error)))
        return summary
