"""The forms of the public application pages: the application itself (with a file for
each line of the process's checklist), its correction through the applicant's link, one
more document, and the "lost your link?" form.

Uploaded files are checked here by their size and first bytes (lib.uploads.check_upload),
all together against the 50 MB an application may hold, so that a refused document
leaves the form with its message and nothing is recorded; the services check again.
"""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitdesk.admission import applying
from summitdesk.admission.applying import Upload
from summitdesk.admission.models import AdmissionPolicy, Application, RequiredDocument
from summitdesk.lib import uploads
from summitdesk.lib.countries import country_choices
from summitdesk.lib.localized import language_key, localized

WIDGETS: dict[str, forms.Widget] = {
    "address": forms.Textarea(attrs={"rows": 3}),
    "purpose": forms.Textarea(attrs={"rows": 6}),
    "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
    "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    "website": forms.URLInput(attrs={"placeholder": "https://"}),
}
HELP = {
    "purpose": gettext_lazy(
        "What the organisation is for, its programmes and activities, and how they relate "
        "to the process."
    ),
    "contact_email": gettext_lazy(
        "We send a link to this address: open it to confirm the application and follow it."
    ),
}


def _form_field(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """The model field's form field; web addresses typed without a scheme are https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ApplicantFields(forms.ModelForm[Application]):
    """The application's own fields, with the categories and groups the policy allows."""

    def __init__(self, *args: Any, policy: AdmissionPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        category = self.fields.get("category")
        if isinstance(category, forms.ChoiceField):
            category.choices = [
                ("", "---------"),
                *((str(each), each.label) for each in applying.eligible_categories(policy)),
            ]
        group = self.fields.get("stakeholder_group")
        if isinstance(group, forms.ChoiceField):
            group.choices = [
                ("", "---------"),
                *((str(each), each.label) for each in applying.eligible_groups(policy)),
            ]
        if "country" in self.fields:
            self.fields["country"] = forms.ChoiceField(
                label=self.fields["country"].label,
                choices=[("", "---------"), *country_choices()],
            )
        for name, help_text in HELP.items():
            if name in self.fields:
                self.fields[name].help_text = help_text

    def data_for_services(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) of every error, for the summary at the top of the page."""
        summary = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                summary.append((f"field-{name}", f"{label}: {error}" if label else str(error)))
        return summary


def _document_field(requirement: RequiredDocument) -> forms.FileField:
    return forms.FileField(
        label=localized(requirement, "title"),
        help_text=requirement.description,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}),
    )


def check_files(form: forms.BaseForm, names: list[str], *, already: int = 0) -> None:
    """Add an error to each field of `names` whose file is refused by its size or first
    bytes, counting the files before it and `already` against the application's total."""
    total = already
    for name in names:
        file = form.cleaned_data.get(name)
        if not isinstance(file, UploadedFile):
            continue
        try:
            uploads.check_upload(file, size=file.size or 0, already=total)
        except uploads.DocumentRefused as refused:
            form.add_error(name, str(refused))
        else:
            total += file.size or 0


class ApplicationForm(ApplicantFields):
    """The public application: the organisation, the person applying, and one file for
    each line of the checklist (each may also be sent later through the link)."""

    class Meta:
        model = Application
        fields = applying.APPLICANT_FIELDS
        widgets = WIDGETS
        formfield_callback = _form_field

    def __init__(self, *args: Any, policy: AdmissionPolicy, **kwargs: Any) -> None:
        super().__init__(*args, policy=policy, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("language", language_key(translation.get_language()))
        self.requirements = applying.checklist(policy)
        for requirement in self.requirements:
            self.fields[self.document_field(requirement)] = _document_field(requirement)

    @staticmethod
    def document_field(requirement: RequiredDocument) -> str:
        return f"document_{requirement.pk}"

    def document_fields(self) -> list[forms.BoundField]:
        return [self[self.document_field(each)] for each in self.requirements]

    def applicant_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in applying.APPLICANT_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_files(self, [self.document_field(each) for each in self.requirements])
        return cleaned

    def data_for_services(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in applying.APPLICANT_FIELDS}

    def uploads(self) -> list[Upload]:
        found = []
        for requirement in self.requirements:
            file = self.cleaned_data.get(self.document_field(requirement))
            if isinstance(file, UploadedFile):
                found.append(Upload(file, file.name or "document", file.size or 0, requirement.pk))
        return found


class CorrectionForm(ApplicantFields):
    """What the applicant may correct through their link (not their email address)."""

    class Meta:
        model = Application
        fields = applying.CORRECTABLE_FIELDS
        widgets = WIDGETS
        formfield_callback = _form_field


class DocumentForm(forms.Form):
    """One more document, for a line of the checklist or beside it."""

    requirement = forms.TypedChoiceField(
        label=gettext_lazy("Which document"), coerce=int, empty_value=None, required=False
    )
    file = forms.FileField(
        label=gettext_lazy("File (PDF, JPEG or PNG, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        policy = applying.policy_for(application.process)
        requirements = applying.checklist(policy) if policy else []
        choice = self.fields["requirement"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [
            *((str(each.pk), localized(each, "title")) for each in requirements),
            ("", _("Another document")),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_files(self, ["file"], already=applying.stored_bytes(self.application))
        return cleaned

    def upload(self) -> Upload:
        file = self.cleaned_data["file"]
        return Upload(
            file, file.name or "document", file.size or 0, self.cleaned_data["requirement"]
        )


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("The email address given in the application"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
