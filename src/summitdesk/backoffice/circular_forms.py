"""Forms of the circular pages: the draft, its audience, previews and the information pack."""

import datetime
import re
import zoneinfo
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from summitdesk.correspondence import compose
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import Enclosure
from summitdesk.correspondence.models import Circular
from summitdesk.correspondence.services import TextData
from summitdesk.directory.enums import Category, Language, Sector, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.lib import dates
from summitdesk.lib.countries import REGIONS, country_choices
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting, Process

DATE_INPUT = "%Y-%m-%d"
TIME_INPUT = "%H:%M"

#: The texts of a circular: English is required (the fallback), French and Spanish are shown
#: open, the other official languages folded away until needed.
REQUIRED_LANGUAGES = ("en",)
OPEN_LANGUAGES = ("en", "fr", "es")
FOLDED_LANGUAGES = ("ar", "zh", "ru")
TEXT_PARTS = ("subject", "salutation", "body", "closing")
#: What a language other than English prints around its text, in that language (the
#: circular's own fields above are the English ones), and whether it is the secretariat's
#: own translation.
PRINTED_PARTS = ("letterhead", "addressees", "signatory_titles", "contact_name")
TRANSLATION_PARTS = (*PRINTED_PARTS, "secretariat_translation")


def _lines(value: str) -> str:
    """One item a line, without blank lines or trailing spaces."""
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def format_deadline(value: datetime.datetime | None, time_zone: str) -> str:
    """`12 September 2003, 18:00 (Europe/Zurich)`: the deadline as the meeting's clock shows
    it, or the staff member's own zone if they chose one (lib/dates.py)."""
    return dates.format_datetime(value, dates.zone_for(time_zone))


class CircularForm(forms.Form):
    """A draft circular and its texts; `data_for_service` and `texts_for_service` feed
    `services.save_circular`."""

    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=50,
        help_text=gettext_lazy("Unique, e.g. DM-1048."),
    )
    date = forms.DateField(
        label=gettext_lazy("Date of the letter"),
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Meeting"),
        queryset=Meeting.objects.in_calendar_order(),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the meetings listed.")},
    )
    letterhead = forms.CharField(
        label=gettext_lazy("Letterhead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The sender's name and address, one line each."),
    )
    addressees = forms.CharField(
        label=gettext_lazy("Addressees"),
        max_length=300,
        help_text=gettext_lazy("As printed after “To:”, e.g. CEOs of ITU Sector Members."),
    )
    signatory_name = forms.CharField(label=gettext_lazy("Signatory"), max_length=200)
    signatory_titles = forms.CharField(
        label=gettext_lazy("Signatory's titles"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line."),
    )
    contact_name = forms.CharField(label=gettext_lazy("Contact"), max_length=200, required=False)
    contact_tel = forms.CharField(label=gettext_lazy("Tel"), max_length=50, required=False)
    contact_fax = forms.CharField(label=gettext_lazy("Fax"), max_length=50, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    enclosures = forms.MultipleChoiceField(
        label=gettext_lazy("Enclosures"),
        required=False,
        choices=Enclosure.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reply_deadline_date = forms.DateField(
        label=gettext_lazy("Reply deadline: date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
    )
    reply_deadline_time = forms.TimeField(
        label=gettext_lazy("Reply deadline: time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_INPUT),
        help_text=gettext_lazy("In the meeting's time zone."),
    )

    def __init__(self, *args: Any, circular: Circular | None = None, **kwargs: Any) -> None:
        self.circular = circular
        if circular is not None and circular.pk and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(circular)
        super().__init__(*args, **kwargs)
        self.fields["meeting"].label_from_instance = (  # type: ignore[attr-defined]
            lambda meeting: f"{localized(meeting, 'title')} ({meeting.code}, {meeting.time_zone})"
        )
        for language, label in Language.choices:
            self.fields[f"subject_{language}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Each line prints as a line of the subject."),
            )
            self.fields[f"salutation_{language}"] = forms.CharField(
                label=_("Salutation (%(language)s)") % {"language": label},
                required=False,
                max_length=200,
            )
            self.fields[f"body_{language}"] = forms.CharField(
                label=_("Body (%(language)s)") % {"language": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 14}),
                help_text=_("Paragraphs separated by a blank line; merge fields allowed."),
            )
            self.fields[f"closing_{language}"] = forms.CharField(
                label=_("Closing (%(language)s)") % {"language": label},
                required=False,
                max_length=200,
            )
            if language != "en":
                self._add_translation_fields(language, label)
        if not self.is_bound and not (circular and circular.pk):
            for language in Language.values:
                for part, example in compose.greetings(language).items():
                    self.initial.setdefault(f"{part}_{language}", example)

    def _add_translation_fields(self, language: str, label: StrOrPromise) -> None:
        """The letterhead, addressees, signatory's titles and contact in `language`."""
        attrs = {"lang": language, "dir": "auto"}
        self.fields[f"letterhead_{language}"] = forms.CharField(
            label=_("Letterhead (%(language)s)") % {"language": label},
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, **attrs}),
            help_text=_("Left empty, the letter prints the English one."),
        )
        self.fields[f"addressees_{language}"] = forms.CharField(
            label=_("Addressees (%(language)s)") % {"language": label},
            required=False,
            max_length=300,
            widget=forms.TextInput(attrs=attrs),
        )
        self.fields[f"signatory_titles_{language}"] = forms.CharField(
            label=_("Signatory's titles (%(language)s)") % {"language": label},
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, **attrs}),
            help_text=_("One per line."),
        )
        self.fields[f"contact_name_{language}"] = forms.CharField(
            label=_("Contact (%(language)s)") % {"language": label},
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs=attrs),
        )
        self.fields[f"secretariat_translation_{language}"] = forms.BooleanField(
            label=_("Translation by the secretariat (%(language)s)") % {"language": label},
            required=False,
            help_text=_(
                "The letter says that this text is the secretariat's unofficial translation."
            ),
        )

    @staticmethod
    def parts(language: str) -> tuple[str, ...]:
        """The fields of one language's text."""
        return TEXT_PARTS if language == "en" else (*TEXT_PARTS, *TRANSLATION_PARTS)

    @staticmethod
    def initial_from(circular: Circular) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(circular, name)
            for name in (
                "reference",
                "date",
                "letterhead",
                "addressees",
                "signatory_name",
                "signatory_titles",
                "contact_name",
                "contact_tel",
                "contact_fax",
                "contact_email",
                "enclosures",
            )
        }
        initial["meeting"] = circular.meeting_id
        if circular.reply_deadline:
            local = circular.reply_deadline.astimezone(
                zoneinfo.ZoneInfo(circular.meeting.time_zone)
            )
            initial["reply_deadline_date"] = local.date()
            initial["reply_deadline_time"] = local.time().replace(second=0, microsecond=0)
        for text in circular.texts.all():
            for part in CircularForm.parts(text.language):
                initial[f"{part}_{text.language}"] = getattr(text, part)
        return initial

    def language_groups(self) -> list[dict[str, Any]]:
        """The text fields by language, for the template: open ones first."""
        labels = dict(Language.choices)
        groups = []
        for language in (*OPEN_LANGUAGES, *FOLDED_LANGUAGES):
            fields = [self[f"{part}_{language}"] for part in self.parts(language)]
            groups.append(
                {
                    "code": language,
                    "label": labels[language],
                    "fields": fields,
                    "required": language in REQUIRED_LANGUAGES,
                    "open": language in OPEN_LANGUAGES
                    or any(self[f"{part}_{language}"].value() for part in ("subject", "body"))
                    or any(field.errors for field in fields),
                }
            )
        return groups

    def clean_reference(self) -> str:
        reference: str = self.cleaned_data["reference"].strip()
        others = Circular.objects.filter(reference__iexact=reference)
        if self.circular is not None and self.circular.pk:
            others = others.exclude(pk=self.circular.pk)
        if others.exists():
            raise forms.ValidationError(
                _("%(reference)s is already the reference of another circular.")
                % {"reference": reference}
            )
        return reference

    def clean_letterhead(self) -> str:
        return _lines(self.cleaned_data["letterhead"])

    def clean_signatory_titles(self) -> str:
        titles = _lines(self.cleaned_data["signatory_titles"])
        if not titles:
            raise forms.ValidationError(_("Give at least one title of the signatory."))
        return titles

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_deadline(cleaned)
        labels = dict(Language.choices)
        for language, label in labels.items():
            subject = cleaned.get(f"subject_{language}", "").strip()
            body = cleaned.get(f"body_{language}", "").strip()
            if subject or body:
                self._require_greetings(cleaned, language, label)
            if language in REQUIRED_LANGUAGES:
                if not subject:
                    self.add_error(
                        f"subject_{language}",
                        _("Write the English subject: it is used when no other language fits."),
                    )
                if not body:
                    self.add_error(
                        f"body_{language}",
                        _("Write the English body: it is used when no other language fits."),
                    )
            elif subject and not body:
                self.add_error(
                    f"body_{language}",
                    _("Write the %(language)s body, or clear the subject to leave it out.")
                    % {"language": label},
                )
            elif body and not subject:
                self.add_error(
                    f"subject_{language}",
                    _("Write the %(language)s subject, or clear the body to leave it out.")
                    % {"language": label},
                )
        return cleaned

    def _require_greetings(
        self, cleaned: dict[str, Any], language: str, label: StrOrPromise
    ) -> None:
        for part, name in (("salutation", _("salutation")), ("closing", _("closing"))):
            if cleaned.get(f"{part}_{language}", "").strip():
                continue
            example = compose.greetings(language).get(part)
            message = (
                _("Write the %(part)s in %(language)s, e.g. “%(example)s”.")
                if example
                else _("Write the %(part)s in %(language)s.")
            )
            self.add_error(
                f"{part}_{language}",
                message % {"part": name, "language": label, "example": example},
            )

    def _clean_deadline(self, cleaned: dict[str, Any]) -> None:
        day = cleaned.get("reply_deadline_date")
        time = cleaned.get("reply_deadline_time")
        meeting = cleaned.get("meeting")
        cleaned["reply_deadline"] = None
        if day and not time:
            self.add_error(
                "reply_deadline_time", _("Give the time of the deadline too, e.g. 18:00.")
            )
        elif time and not day:
            self.add_error("reply_deadline_date", _("Give the date of the deadline too."))
        elif day and time and meeting is not None:
            zone = zoneinfo.ZoneInfo(meeting.time_zone)
            cleaned["reply_deadline"] = datetime.datetime.combine(day, time, tzinfo=zone)

    def data_for_service(self) -> dict[str, Any]:
        names = (
            "reference",
            "date",
            "meeting",
            "letterhead",
            "addressees",
            "signatory_name",
            "signatory_titles",
            "contact_name",
            "contact_tel",
            "contact_fax",
            "contact_email",
            "enclosures",
            "reply_deadline",
        )
        return {name: self.cleaned_data[name] for name in names}

    def texts_for_service(self) -> dict[str, TextData]:
        """{language: TextData}; an empty subject and body removes the language."""
        texts = {}
        for language in Language.values:
            data = self.cleaned_data
            printed: dict[str, Any] = {}
            if language != "en":
                printed = {
                    "letterhead": _lines(data[f"letterhead_{language}"]),
                    "addressees": data[f"addressees_{language}"].strip(),
                    "signatory_titles": _lines(data[f"signatory_titles_{language}"]),
                    "contact_name": data[f"contact_name_{language}"].strip(),
                    "secretariat_translation": bool(data[f"secretariat_translation_{language}"]),
                }
            texts[language] = TextData(
                subject=_lines(data[f"subject_{language}"]),
                body=data[f"body_{language}"].strip(),
                salutation=data[f"salutation_{language}"].strip(),
                closing=data[f"closing_{language}"].strip(),
                **printed,
            )
        return texts


class OrganisationNumbersField(forms.CharField):
    """Organisation numbers separated by commas or spaces: a sorted list of distinct ints.

    Every number must be a current organisation's; the unknown ones are listed.
    """

    def clean(self, value: Any) -> list[int]:
        text = super().clean(value) or ""
        words = [word for word in re.split(r"[\s,;]+", text.replace("#", " ")) if word]
        wrong = [word for word in words if not word.isdigit()]
        if wrong:
            raise forms.ValidationError(
                _("“%(words)s” is not an organisation number; write numbers such as 12, 345.")
                % {"words": ", ".join(wrong)}
            )
        numbers = sorted({int(word) for word in words})
        known = set(
            Organisation.objects.current().filter(pk__in=numbers).values_list("pk", flat=True)
        )
        unknown = [str(number) for number in numbers if number not in known]
        if unknown:
            raise forms.ValidationError(
                _("No current organisation has the number %(numbers)s.")
                % {"numbers": ", ".join(unknown)}
            )
        return numbers


class AudienceForm(forms.Form):
    """The audience of a circular: the directory's filters, plus explicit choices."""

    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Categories"),
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    stakeholder_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Stakeholder groups"),
        required=False,
        choices=StakeholderGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=gettext_lazy("ITU sectors"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Members of any of the sectors ticked."),
    )
    regions = forms.MultipleChoiceField(
        label=gettext_lazy("Regions"),
        required=False,
        choices=list(REGIONS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Preferred languages"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Countries"),
        required=False,
        choices=country_choices,  # in the reader's language, when the form is made
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("Hold Ctrl (or ⌘) to choose several."),
    )
    participated_in = forms.MultipleChoiceField(
        label=gettext_lazy("Attended an earlier meeting"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy(
            "Organisations whose reply to any of the meetings chosen said they would attend."
        ),
    )
    admitted_to = forms.MultipleChoiceField(
        label=gettext_lazy("Admitted to a process"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=gettext_lazy(
            "Organisations admitted to any of the processes chosen, neither suspended nor "
            "withdrawn, as they stand when the circular is dispatched."
        ),
    )
    include = OrganisationNumbersField(
        label=gettext_lazy("Also include"),
        required=False,
        help_text=gettext_lazy(
            "Organisation numbers (shown after # on their page), separated by commas: "
            "they receive the circular whatever the filters say."
        ),
    )
    exclude = OrganisationNumbersField(
        label=gettext_lazy("Leave out"),
        required=False,
        help_text=gettext_lazy(
            "Organisation numbers, separated by commas: they never receive the circular."
        ),
    )

    def __init__(self, *args: Any, audience: Audience | None = None, **kwargs: Any) -> None:
        if audience is not None and "initial" not in kwargs:
            initial: dict[str, Any] = audience.to_json()
            initial["include"] = ", ".join(str(number) for number in audience.include)
            initial["exclude"] = ", ".join(str(number) for number in audience.exclude)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        participated = self.fields["participated_in"]
        assert isinstance(participated, forms.MultipleChoiceField)
        participated.choices = [
            (meeting.code, f"{localized(meeting, 'title')} ({meeting.code})")
            for meeting in Meeting.objects.in_calendar_order()
        ]
        admitted = self.fields["admitted_to"]
        assert isinstance(admitted, forms.MultipleChoiceField)
        admitted.choices = [
            (process.code, f"{localized(process, 'name')} ({process.code})")
            for process in Process.objects.order_by("code")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        both = set(cleaned.get("include") or []) & set(cleaned.get("exclude") or [])
        if both:
            self.add_error(
                "exclude",
                _("%(numbers)s cannot be both included and left out.")
                % {"numbers": ", ".join(str(number) for number in sorted(both))},
            )
        return cleaned

    def audience(self) -> Audience:
        return Audience(**{name: list(self.cleaned_data[name] or []) for name in self.fields})


class PreviewForm(forms.Form):
    """The organisation to preview, found by its name in the circular's audience; the
    audience table's links name it by number (`organisation`)."""

    name = forms.CharField(
        label=gettext_lazy("Organisation"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Part of its name or acronym, in any case and without accents, e.g. telefonica."
        ),
    )
    organisation = forms.IntegerField(
        label=gettext_lazy("Organisation"), required=False, min_value=1, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("name") and not cleaned.get("organisation"):
            raise forms.ValidationError(
                gettext_lazy("Write part of the organisation's name."), code="required"
            )
        return cleaned


class MarkPostedForm(forms.Form):
    how = forms.ChoiceField(
        choices=[("post", gettext_lazy("post")), ("fax", gettext_lazy("fax"))],
    )


#: Information pack documents: what a secretariat sends, nothing executable.
PACK_EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".txt",
    ".ppt",
    ".pptx",
    ".xls",
    ".xlsx",
)
PACK_MAX_BYTES = 20 * 1024 * 1024


class PackItemForm(forms.Form):
    """A document (uploaded) or a web link, in one language or in all."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Every language")), *Language.choices],
    )
    document = forms.FileField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy(
            "PDF, Word, OpenDocument, PowerPoint, Excel or text; at most 20 MB."
        ),
    )
    url = forms.URLField(
        label=gettext_lazy("or a web link"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Background material or a partner's site."),
    )

    def clean_document(self) -> UploadedFile[bytes] | None:
        document: UploadedFile[bytes] | None = self.cleaned_data.get("document")
        if document is None:
            return None
        if Path(document.name or "").suffix.lower() not in PACK_EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a document of one of these kinds: %(kinds)s.")
                % {"kinds": ", ".join(PACK_EXTENSIONS)}
            )
        if document.size is not None and document.size > PACK_MAX_BYTES:
            raise forms.ValidationError(
                _("The document is %(size)d MB; at most %(limit)d MB is accepted.")
                % {"size": -(-document.size // (1024 * 1024)), "limit": PACK_MAX_BYTES // 2**20}
            )
        return document

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_document = bool(cleaned.get("document"))
        has_url = bool(cleaned.get("url"))
        if not self.errors.get("document") and has_document == has_url:
            self.add_error(
                None,
                _("Give either a document or a web link.")
                if not has_document
                else _("Give a document or a web link, not both: add them as two items."),
            )
        return cleaned


#: The labels of each kind of filter's values, to describe an audience in words.
AUDIENCE_LABELS: dict[str, tuple[StrOrPromise, dict[str, StrOrPromise]]] = {
    "categories": (gettext_lazy("Categories"), dict(Category.choices)),
    "stakeholder_groups": (gettext_lazy("Stakeholder groups"), dict(StakeholderGroup.choices)),
    "sectors": (gettext_lazy("ITU sectors"), dict(Sector.choices)),
    "regions": (gettext_lazy("Regions"), dict(REGIONS)),
    "languages": (gettext_lazy("Preferred languages"), dict(Language.choices)),
    "countries": (gettext_lazy("Countries"), dict(country_choices())),
    "participated_in": (gettext_lazy("Attended an earlier meeting"), {}),
    "admitted_to": (gettext_lazy("Admitted to a process"), {}),
}


def describe_audience(audience: Audience) -> list[tuple[StrOrPromise, str]]:
    """The audience's filters in words, for the circular's page: [(what, which values)]."""
    described: list[tuple[StrOrPromise, str]] = []
    for name, (what, labels) in AUDIENCE_LABELS.items():
        values = getattr(audience, name)
        if values:
            described.append((what, ", ".join(str(labels.get(v, v)) for v in values)))
    for name, label in (
        ("include", gettext_lazy("Also include")),
        ("exclude", gettext_lazy("Leave out")),
    ):
        numbers = getattr(audience, name)
        if numbers:
            described.append((label, ", ".join(f"#{number}" for number in numbers)))
    return described
