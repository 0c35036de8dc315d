from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.core.models import User
from summitdesk.delegations.enums import ProtocolLevel
from summitdesk.directory.enums import (
    Language,
)
from summitdesk.directory.forms import with_blank
from summitdesk.directory.models import Organisation
from summitdesk.lib.countries import country_choices
from summitdesk.lib.localized import TRANSLATED_LANGUAGES, cleaned, translations_field
from summitdesk.meetings.models import Meeting, ParticipantType, Process

DATE_INPUT = "%Y-%m-%d"
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=_("Organisation to merge into this one"),
        queryset=Organisation.objects.current(),
        widget=forms.NumberInput,
        error_messages={"invalid_choice": _("No current organisation has that number.")},
        help_text=_("The number shown after # on the other organisation's page."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked that these are the same organisation"), required=False
    )


class NameTranslationsMixin(forms.BaseForm):
    """A text field per language beside a name's English one (`translated`, e.g. "title"),
    for `lib/localized.py`: `<field>_fr`, `<field>_es`... The template shows them folded
    (`main_fields`, `translation_fields`, `translations_open`)."""

    translated = ""

    def add_translation_fields(self, english_label: StrOrPromise, max_length: int) -> None:
        field = self.translated
        stored: dict[str, Any] = {}
        instance = getattr(self, "instance", None)
        if instance is not None:
            stored = getattr(instance, translations_field(field), None) or {}
        labels = dict(Language.choices)
        for language in TRANSLATED_LANGUAGES:
            self.fields[f"{field}_{language}"] = forms.CharField(
                label=_("%(field)s in %(language)s")
                % {"field": english_label, "language": labels[language]},
                required=False,
                max_length=max_length,
                initial=stored.get(language, ""),
                widget=forms.TextInput(attrs={"lang": language, "dir": "auto"}),
            )
        self.fields[f"{field}_fr"].help_text = _("Left empty, a language shows the English text.")

    @property
    def translation_names(self) -> list[str]:
        return [f"{self.translated}_{language}" for language in TRANSLATED_LANGUAGES]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.translation_names]

    def translation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.translation_names]

    def translations_open(self) -> bool:
        return any(field.errors for field in self.translation_fields())

    def translations(self) -> dict[str, str]:
        """{language: text} of the languages filled in."""
        return cleaned(
            {
                language: self.cleaned_data.get(f"{self.translated}_{language}", "")
                for language in TRANSLATED_LANGUAGES
            }
        )


class ProcessForm(NameTranslationsMixin, forms.ModelForm[Process]):
    translated = "name"

    class Meta:
        model = Process
        fields = ["name", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Name"), 200)


class MeetingForm(NameTranslationsMixin, forms.ModelForm[Meeting]):
    translated = "title"
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=with_blank(country_choices(), "—")
    )
    photo_exempt_levels = forms.MultipleChoiceField(
        label=_("Protocol levels exempt from the photo"),
        required=False,
        choices=ProtocolLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their badges need no photo, whatever the settings above."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Title"), 200)
        # Left empty: the default age (a form from before the field existed posts none).
        self.fields["photo_max_age_months"].required = False

    def clean_photo_max_age_months(self) -> int:
        value = self.cleaned_data.get("photo_max_age_months")
        if value is None:
            return int(Meeting._meta.get_field("photo_max_age_months").get_default())
        return int(value)

    class Meta:
        model = Meeting
        fields = [
            "process",
            "code",
            "title",
            "kind",
            "city",
            "country",
            "time_zone",
            "start_date",
            "end_date",
            "registration_opens_at",
            "registration_closes_at",
            "status",
            "approval_requires_identity",
            "printing_requires_identity",
            "photo_max_age_months",
            "photo_exempt_levels",
            "online_access",
            "list_shows_affiliation",
        ]
        # Browsers only fill date and datetime-local inputs from ISO values, whatever the
        # language of the page: without these formats, editing a meeting would erase its dates.
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
            "end_date": forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
            "registration_opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_INPUT
            ),
            "registration_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_INPUT
            ),
        }


class ParticipantTypeForm(NameTranslationsMixin, forms.ModelForm[ParticipantType]):
    translated = "name"

    class Meta:
        model = ParticipantType
        fields = [
            "name",
            "position",
            "list_section",
            "counts_against_limit",
            "badge_colour",
            "badge_label",
        ]
        widgets = {"badge_colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Name"), 100)


class NewParticipantTypeForm(ParticipantTypeForm):
    """A type staff add to one meeting: its code too, unique in the meeting (and not "new",
    which is the address of this form)."""

    class Meta(ParticipantTypeForm.Meta):
        fields = ["code", *ParticipantTypeForm.Meta.fields]

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["code"].help_text = _(
            "Lower-case letters, digits and hyphens, e.g. interpreter. Exports and the API "
            "name the type by it; it cannot be changed later."
        )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if code == "new" or self.meeting.participant_types.filter(code=code).exists():
            raise forms.ValidationError(_("This meeting already has a type with this code."))
        return code


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignInCodeForm(forms.Form):
    """At sign-in: the app's code, or one of the recovery codes when the app is lost."""

    code = forms.CharField(
        label=_("Six-digit code from your authenticator app, or a recovery code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class StaffForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "second_factor_required",
            "is_active",
        ]


class NewStaffForm(StaffForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        min_length=10,
        help_text=_("At least ten characters; the person can change it later."),
    )

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


def own_language_names() -> list[tuple[str, str]]:
    """The six languages by their own names (Django's), as a person looks for theirs."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def time_zone_choices() -> list[tuple[str, StrOrPromise]]:
    """Every time zone by its name (Europe/Zurich), in order; the meeting's as the default."""
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    default = _("Each meeting's own (UTC where there is no meeting)")
    return [("", default), *((name, name) for name in names)]


class PersonalSettingsForm(forms.Form):
    """A staff member's own language and time zone (core.services.save_personal_settings)."""

    language = forms.ChoiceField(
        label=_("Language of the staff pages"),
        required=False,
        choices=[("", _("As the browser asks")), *own_language_names()],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of the times shown"),
        required=False,
        choices=time_zone_choices,
        help_text=_(
            "Times on staff pages are shown in this zone, which they name. Organisations, "
            "delegates and emails keep the meeting's."
        ),
    )
