"""The forms of the admission pages: the queue's filter, a review step, a decision (one
application or many), a change of an admitted organisation's standing."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.review import STAFF_STATUSES, TRANSITIONS
from summitdesk.meetings.models import Meeting, Process

REFERENCES_MAX = 2000


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any"))]
        + [(status, ApplicationStatus(status).label) for status in STAFF_STATUSES],
    )
    q = forms.CharField(
        label=gettext_lazy("Name, acronym or reference"), required=False, max_length=100
    )


class ReviewForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("New status"))
    missing = forms.CharField(
        label=gettext_lazy("What is missing (the applicant is told)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [(each, ApplicationStatus(each).label) for each in TRANSITIONS.get(status, ())]


def meetings_of(process: Process) -> "forms.ModelChoiceField[Meeting]":
    return forms.ModelChoiceField(
        label=gettext_lazy("Decided by the meeting"),
        queryset=Meeting.objects.filter(process=process).in_calendar_order(),
        error_messages={"invalid_choice": gettext_lazy("Choose a meeting of this process.")},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("admit", gettext_lazy("Admitted")), ("not_admit", gettext_lazy("Not admitted"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the meeting's last day."),
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons (required when not admitted)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"meeting": meetings_of(process), **self.fields}


def references(text: str) -> list[str]:
    """References separated by spaces, commas or new lines."""
    return [word for word in text.replace(",", " ").split() if word]


class BulkDecisionForm(forms.Form):
    admit = forms.CharField(
        label=gettext_lazy("Admitted: references"),
        required=False,
        max_length=REFERENCES_MAX * 21,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Separated by spaces, commas or new lines."),
    )
    not_admit = forms.CharField(
        label=gettext_lazy("Not admitted: references"),
        required=False,
        max_length=REFERENCES_MAX * 21,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons for those not admitted"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the meeting's last day."),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"meeting": meetings_of(process), **self.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        admit = references(cleaned.get("admit") or "")
        not_admit = references(cleaned.get("not_admit") or "")
        if not admit and not not_admit:
            raise forms.ValidationError(_("Name at least one application."))
        if len(admit) + len(not_admit) > REFERENCES_MAX:
            raise forms.ValidationError(
                _("At most %(count)s applications at once.") % {"count": REFERENCES_MAX}
            )
        cleaned["admit_references"], cleaned["not_admit_references"] = admit, not_admit
        return cleaned


class StandingForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("suspend", gettext_lazy("Suspend")),
            ("withdraw", gettext_lazy("Withdraw")),
            ("reinstate", gettext_lazy("Reinstate")),
            ("reviewed", gettext_lazy("Reviewed")),
        ]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
