from django import forms
from django.utils.translation import gettext_lazy as _

from summitdesk.core.models import User
from summitdesk.directory.forms import with_blank
from summitdesk.directory.models import Organisation
from summitdesk.lib.countries import country_choices
from summitdesk.meetings.models import Meeting

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


class MeetingForm(forms.ModelForm[Meeting]):
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=with_blank(country_choices(), "—")
    )

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
