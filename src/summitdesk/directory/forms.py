"""The directory's forms that the back office and the API share: the API validates what it
receives with the same fields, choices and rules as the staff pages."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.core import versions
from summitdesk.directory.enums import (
    Category,
    Language,
    OrganisationStatus,
    PositionRole,
    Sector,
    StakeholderGroup,
)
from summitdesk.directory.models import Organisation, Person
from summitdesk.directory.validators import MAX_LENGTH, ORGANISATION_MAX_LENGTH, person_rules
from summitdesk.lib.countries import REGIONS, country_choices


def with_blank(choices: Any, label: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    return [("", label), *list(choices)]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=with_blank(Category.choices, _("Any"))
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group"),
        required=False,
        choices=with_blank(StakeholderGroup.choices, _("Any")),
    )
    sector = forms.ChoiceField(
        label=_("ITU sector"), required=False, choices=with_blank(Sector.choices, _("Any"))
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=with_blank(REGIONS.items(), _("Any"))
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=with_blank(country_choices(), _("Any"))
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=with_blank(Language.choices, _("Any"))
    )


def _version_field() -> forms.CharField:
    """The version of the row when the form was opened (see `expected_version`)."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


def _open_at_version(form: forms.BaseForm, row: versions.Versioned) -> None:
    form.fields["version"].initial = versions.version_of(row)


def expected_version(form: forms.BaseForm) -> str | None:
    """The version the form was opened at, for the service (None: not known, no check)."""
    return str(form.cleaned_data.get("version") or "") or None


def show_conflict(form: forms.BaseForm, conflict: versions.Conflict) -> None:
    """Say who changed the row and when; what was typed stays in the form, which now
    carries the row's current version, so saving it again replaces that change knowingly."""
    # A QueryDict's copy keeps every value of a multiple choice (the sectors).
    data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    data["version"] = conflict.version
    form.data = data
    form.add_error(None, str(conflict))


class OrganisationForm(forms.ModelForm[Organisation]):
    sectors = forms.MultipleChoiceField(
        label=_("ITU sector memberships"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.ChoiceField(label=_("Country"), choices=with_blank(country_choices(), "—"))
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=ORGANISATION_MAX_LENGTH["website"],
    )
    version = _version_field()

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
        _open_at_version(self, self.instance)
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
        label=_("Nationality"), required=False, choices=with_blank(country_choices(), "—")
    )
    version = _version_field()

    class Meta:
        model = Person
        fields = ["title", "given_name", "family_name", "email", "phone", "fax", "nationality"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _open_at_version(self, self.instance)

    def person_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}
