"""Forms of the accreditation pages: the officer's list filter, bulk decisions, one
accreditation's move, identity data, limits and exception decisions."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from summitdesk.accreditation import queries, services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.directory.enums import Category
from summitdesk.directory.validators import MAX_LENGTH, person_rules


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", gettext_lazy("Any")), *choices]


class AccreditationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=_any(AccreditationStatus.choices)
    )
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Its number, or part of its name or acronym."),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), required=False, choices=_any(Category.choices)
    )
    ready = forms.BooleanField(label=gettext_lazy("Ready for a badge only"), required=False)

    def list_filter(self) -> queries.ListFilter:
        if not self.is_valid():
            return queries.ListFilter()
        return queries.ListFilter(
            status=self.cleaned_data["status"],
            organisation=self.cleaned_data["organisation"],
            category=self.cleaned_data["category"],
            ready=self.cleaned_data["ready"],
        )


BULK_MOVES = {
    "approve": AccreditationStatus.APPROVED,
    "reject": AccreditationStatus.REJECTED,
}


class BulkForm(forms.Form):
    """The accreditations ticked on the list and what to do with them; `confirm` is set
    by the confirmation page, which shows the count (and asks the reason of a rejection)."""

    action = forms.ChoiceField(choices=[(name, name) for name in BULK_MOVES])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    reason = forms.CharField(
        label=gettext_lazy("Reason (the delegates and their focal points receive it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    skip_incomplete = forms.BooleanField(required=False)

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids_field = self.fields["ids"]
        assert isinstance(ids_field, forms.TypedMultipleChoiceField)
        ids_field.choices = [(pk, pk) for pk in ids]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("confirm")
            and cleaned.get("action") == "reject"
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", gettext_lazy("Give the reason for the rejection."))
        return cleaned


class BulkAllForm(forms.Form):
    """A decision on every accreditation the list's filter matches (the filter's fields
    come with it); `expected` is the count the confirmation showed."""

    action = forms.ChoiceField(choices=[(name, name) for name in BULK_MOVES])
    reason = BulkForm.base_fields["reason"]
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    skip_incomplete = forms.BooleanField(required=False)
    expected = forms.IntegerField(required=False, min_value=0, max_value=10**9)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("confirm"):
            if cleaned.get("expected") is None:
                self.add_error("expected", gettext_lazy("Confirm the count first."))
            if cleaned.get("action") == "reject" and not cleaned.get("reason", "").strip():
                self.add_error("reason", gettext_lazy("Give the reason for the rejection."))
        return cleaned


#: The button of each move on an accreditation's page, saying the action; an ellipsis
#: where a confirmation follows.
MOVE_BUTTONS = {
    AccreditationStatus.APPROVED: gettext_lazy("Approve"),
    AccreditationStatus.PENDING: gettext_lazy("Put back to pending"),
    AccreditationStatus.REJECTED: gettext_lazy("Reject…"),
    AccreditationStatus.WITHDRAWN: gettext_lazy("Withdraw…"),
    AccreditationStatus.REVOKED: gettext_lazy("Revoke…"),
}
#: The moves that take something away from the delegate, confirmed first: the question's
#: verb, what follows, and the confirming button.
DESTRUCTIVE_MOVES = {
    AccreditationStatus.REJECTED: (
        gettext_lazy("Reject the accreditation of %(delegate)s (%(organisation)s)?"),
        gettext_lazy(
            "The delegate and their focal point receive the reason by email; a badge already "
            "printed no longer works."
        ),
        gettext_lazy("Reject the accreditation"),
    ),
    AccreditationStatus.WITHDRAWN: (
        gettext_lazy("Withdraw the accreditation of %(delegate)s (%(organisation)s)?"),
        gettext_lazy(
            "The delegate leaves the delegation for good and a badge already printed no "
            "longer works. This cannot be undone."
        ),
        gettext_lazy("Withdraw the accreditation"),
    ),
    AccreditationStatus.REVOKED: (
        gettext_lazy("Revoke the accreditation of %(delegate)s (%(organisation)s)?"),
        gettext_lazy(
            "The badge stops working at once and the delegate and their focal point receive "
            "the reason by email. This cannot be undone."
        ),
        gettext_lazy("Revoke the accreditation"),
    ),
}


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=AccreditationStatus.choices)
    reason = forms.CharField(required=False, max_length=2000)


@person_rules
class IdentityForm(forms.ModelForm[Accreditation]):
    class Meta:
        model = Accreditation
        fields = services.IDENTITY_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "document_expires": forms.DateInput(attrs={"type": "date"}),
        }


class LimitsForm(forms.Form):
    """One number per category of organisation; empty: no limit."""

    def __init__(self, *args: Any, rows: list[queries.LimitRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.category] = forms.IntegerField(
                label=row.label, required=False, min_value=0, max_value=10000, initial=row.limit
            )


class ExceptionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", "grant"), ("refuse", "refuse")])
    granted = forms.IntegerField(required=False, min_value=1, max_value=10000)
    # Shown to the focal point (kept as the audit entry's note, hence the length).
    reason = forms.CharField(required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "grant" and not cleaned.get("granted"):
            self.add_error("granted", gettext_lazy("Say how many delegates in all."))
        return cleaned


@person_rules
class SubstituteForm(forms.Form):
    """The newcomer replacing an approved delegate (staff entering it for the focal point)."""

    family_name = forms.CharField(
        label=gettext_lazy("Family name"), max_length=MAX_LENGTH["family_name"]
    )
    given_name = forms.CharField(
        label=gettext_lazy("Given name"), max_length=MAX_LENGTH["given_name"], required=False
    )
    function = forms.CharField(
        label=gettext_lazy("Function"), max_length=MAX_LENGTH["function"], required=False
    )
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
