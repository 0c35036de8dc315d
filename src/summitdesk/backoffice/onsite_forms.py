"""Forms of the on-site desks: a day's pickup slots, a hand-over, a walk-in."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from summitdesk.delegations.data import DelegateData
from summitdesk.delegations.models import Reply
from summitdesk.onsite import pickup
from summitdesk.onsite.enums import WalkInBasis


class SlotsForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=gettext_lazy("First slot at"),
        initial=datetime.time(8, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=gettext_lazy("Last slot ends at"),
        initial=datetime.time(12, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    every = forms.IntegerField(
        label=gettext_lazy("Minutes between slots"), min_value=1, max_value=1440, initial=15
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Delegations per slot"),
        min_value=1,
        max_value=pickup.MAX_CAPACITY,
        initial=4,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", gettext_lazy("The last slot must end after the first starts."))
        return cleaned


class HandOverForm(forms.Form):
    collected_by_name = forms.CharField(
        label=gettext_lazy("Collected by (name as in the identity document)"),
        max_length=pickup.MAX_NAME_LENGTH,
    )
    document_seen = forms.BooleanField(
        label=gettext_lazy("I saw this person's identity document"),
        error_messages={
            "required": gettext_lazy(
                "Check the identity document of the person collecting the badges."
            )
        },
    )
    badges = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Badges handed over"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose the badges handed over.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["badges"].choices = choices  # type: ignore[attr-defined]
        self.fields["badges"].initial = [value for value, _label in choices]

    def hand_over(self) -> pickup.HandOver:
        return pickup.HandOver(
            collected_by_name=self.cleaned_data["collected_by_name"],
            document_seen=self.cleaned_data["document_seen"],
            accreditation_ids=list(self.cleaned_data["badges"]),
        )


class WalkInForm(forms.Form):
    reply = forms.TypedChoiceField(label=gettext_lazy("Organisation"), coerce=int)
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=150, required=False)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=150)
    function = forms.CharField(label=gettext_lazy("Function"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    basis = forms.ChoiceField(
        label=gettext_lazy("On the word of"),
        choices=[(value, label) for value, label in WalkInBasis.choices if value != "portal"],
        widget=forms.RadioSelect,
        initial=WalkInBasis.LETTER,
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference (the letter's date or number, who was called)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, replies: list[Reply], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies = {reply.pk: reply for reply in replies}
        self.fields["reply"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((reply.pk, reply.organisation.name) for reply in replies),
        ]

    def chosen_reply(self) -> Reply:
        return self.replies[self.cleaned_data["reply"]]

    def person(self) -> DelegateData:
        data = self.cleaned_data
        return DelegateData(
            family_name=data["family_name"].strip(),
            given_name=data["given_name"].strip(),
            function=data["function"].strip(),
            email=data["email"].strip(),
        )
