"""Forms of mandate documents and credentials, shared by the staff pages and the portal."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from summitdesk.credentials import queries
from summitdesk.credentials.enums import (
    CredentialsForm,
    DocumentKind,
    Examined,
    IssuedBy,
    PowersScope,
    Standing,
)
from summitdesk.credentials.services import CredentialsData
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.lib.uploads import ACCEPT
from summitdesk.meetings.models import Meeting


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A PDF, JPEG or PNG file of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class CredentialsEntryForm(forms.Form):
    received_on = forms.DateField(
        label=gettext_lazy("Received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    form = forms.ChoiceField(
        label=gettext_lazy("Form"), required=False, choices=_blank(CredentialsForm.choices)
    )
    issued_by = forms.ChoiceField(
        label=gettext_lazy("Issued by"), required=False, choices=_blank(IssuedBy.choices)
    )
    issuing_authority = forms.CharField(
        label=gettext_lazy("Other authority"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Name it when the issuer is another authority."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), required=False, choices=_blank(PowersScope.choices)
    )
    standing = forms.ChoiceField(
        label=gettext_lazy("Provisional or final"),
        required=False,
        choices=_blank(Standing.choices),
    )
    proxy_to = forms.TypedChoiceField(
        label=gettext_lazy("Powers transferred to"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("Another delegation of the meeting holding this one's proxy."),
    )
    examined = forms.ChoiceField(
        label=gettext_lazy("Examined"), required=False, choices=_blank(Examined.choices)
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=2000, widget=forms.Textarea
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, reply: Reply, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proxy_to"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((other.pk, other.organisation.name) for other in queries.proxy_choices(reply)),
        ]

    def data_of(self) -> CredentialsData:
        cleaned = self.cleaned_data
        return CredentialsData(
            received_on=cleaned["received_on"],
            form=cleaned["form"],
            issued_by=cleaned["issued_by"],
            issuing_authority=cleaned["issuing_authority"],
            scope=cleaned["scope"],
            standing=cleaned["standing"],
            proxy_to=cleaned["proxy_to"],
            examined=cleaned["examined"],
            notes=cleaned["notes"],
        )


#: A requirement's choice in the settings form.
NOT_REQUIRED, REQUIRED, APPROVAL_WAITS = "", "required", "approval_waits"
REQUIREMENT_CHOICES = [
    (NOT_REQUIRED, gettext_lazy("Not required")),
    (REQUIRED, gettext_lazy("Required")),
    (APPROVAL_WAITS, gettext_lazy("Required; approval waits for it")),
]


def requirement_field(category: str, kind: str) -> str:
    return f"document-{category}-{kind}"


class MeetingCredentialsForm(forms.Form):
    """Which categories are asked for credentials, and which documents each must send."""

    credentials = forms.MultipleChoiceField(
        label=gettext_lazy("Categories asked for credentials"),
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        initial: dict[str, Any] = {
            "credentials": sorted(queries.categories_needing_credentials(meeting))
        }
        for requirement in meeting.document_requirements.all():
            initial[requirement_field(requirement.category, requirement.kind)] = (
                APPROVAL_WAITS if requirement.approval_waits else REQUIRED
            )
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for category, category_label in Category.choices:
            for kind, kind_label in DocumentKind.choices:
                self.fields[requirement_field(category, kind)] = forms.ChoiceField(
                    label=f"{category_label}: {kind_label}",
                    required=False,
                    choices=REQUIREMENT_CHOICES,
                )

    def requirements(self) -> list[tuple[str, str, str]]:
        """(category, kind, choice) for every pair."""
        return [
            (category, kind, self.cleaned_data[requirement_field(category, kind)])
            for category in Category.values
            for kind in DocumentKind.values
        ]
