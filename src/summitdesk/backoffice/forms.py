from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.core.models import User
from summitdesk.directory.enums import (
    Category,
    Language,
    OrganisationStatus,
    PositionRole,
    Sector,
    StakeholderGroup,
)
from summitdesk.directory.models import Organisation, Person
from summitdesk.directory.validators import MAX_LENGTH, person_rules
from summitdesk.lib.countries import REGIONS, country_choices
from summitdesk.lib.localized import TRANSLATED_LANGUAGES, cleaned, translations_field
from summitdesk.meetings.models import Meeting, Process

DATE_INPUT = "%Y-%m-%d"
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _with_blank(choices: Any, label: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    return [("", label), *list(choices)]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_with_blank(Category.choices, _("Any"))
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group"),
        required=False,
        choices=_with_blank(StakeholderGroup.choices, _("Any")),
    )
    sector = forms.ChoiceField(
        label=_("ITU sector"), required=False, choices=_with_blank(Sector.choices, _("Any"))
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=_with_blank(REGIONS.items(), _("Any"))
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=_with_blank(country_choices(), _("Any"))
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_with_blank(Language.choices, _("Any"))
    )


class OrganisationForm(forms.ModelForm[Organisation]):
    sectors = forms.MultipleChoiceField(
        label=_("ITU sector memberships"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.ChoiceField(label=_("Country"), choices=_with_blank(country_choices(), "—"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "category",
            "stakeholder_group",
            "country",
            "language",
            "address",
            "email",
            "website",
            "external_id",
            "status",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            (value, label) for value, label in OrganisationStatus.choices if value != "merged"
        ]
        if self.instance.pk:
            self.fields["sectors"].initial = self.instance.sectors

    def clean_external_id(self) -> str | None:
        return self.cleaned_data["external_id"] or None

    def changed_data_for_service(self) -> dict[str, Any]:
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        sectors = set(self.cleaned_data["sectors"])
        data.update(itu_r="ITU-R" in sectors, itu_t="ITU-T" in sectors, itu_d="ITU-D" in sectors)
        return data


@person_rules
class DirectoryPersonForm(forms.ModelForm[Person]):
    role = forms.ChoiceField(label=_("Role"), choices=PositionRole.choices)
    function = forms.CharField(
        label=_("Function"), max_length=MAX_LENGTH["function"], required=False
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), required=False, choices=_with_blank(country_choices(), "—")
    )

    class Meta:
        model = Person
        fields = ["title", "given_name", "family_name", "email", "phone", "fax", "nationality"]

    def person_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


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
        label=_("Country"), required=False, choices=_with_blank(country_choices(), "—")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Title"), 200)

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
    from zoneinfo import available_timezones

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
