"""The reply form of the portal: answer, focal points, delegation.

The forms only parse and check what one field can say on its own (an email address, a
number); whether a reply holds together (one head, an estimate not below the names given,
what a submission needs) is the services' to say (`delegations.services.problems`), and
`ReplyPage` (portal/reply_page.py) shows their findings next to the fields.

A member row has no id: the delegation is replaced wholesale by the rows given, so there is
nothing in the form that could point at someone else's data.
"""

import copy
from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.delegations.enums import Gender, ProtocolLevel, Relationship
from summitdesk.delegations.services import MAX_DELEGATES, DelegateData, PersonData
from summitdesk.directory.validators import MAX_LENGTH, person_rules
from summitdesk.lib.countries import COUNTRIES
from summitdesk.lib.forms import mark_required_to_submit
from summitdesk.lib.widgets import CheckboxInput, EmailInput, TextInput
from summitdesk.portal.widgets import CountrySelect, SmallSelect

#: Blank member rows shown at least, and added by "Add more rows".
MIN_BLANK_ROWS = 3
ADD_ROWS = 5
MAX_ESTIMATE = 999

ATTENDING_CHOICES = [("yes", _("Yes, we will attend")), ("no", _("No, we cannot attend"))]
# "Prefer not to say" first: it is the value of a row nobody has touched.
GENDER_CHOICES = [
    (Gender.UNSAID.value, Gender.UNSAID.label),
    (Gender.FEMALE.value, Gender.FEMALE.label),
    (Gender.MALE.value, Gender.MALE.label),
    (Gender.OTHER.value, Gender.OTHER.label),
]


class PortalForm(forms.Form):
    """Labels without a trailing colon, as the page shows them above their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def optional_text(
    label: StrOrPromise,
    max_length: int,
    autocomplete: str = "off",
    *,
    help_text: StrOrPromise = "",
    **attrs: Any,
) -> forms.CharField:
    """A text field a person may leave empty, with the browser's autofill hint."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=TextInput(attrs={"autocomplete": autocomplete, **attrs}),
    )


@person_rules
class PortalPersonForm(PortalForm):
    """A focal point (or the one taking over): filled in whole or left empty."""

    title = optional_text(
        _("Title"), MAX_LENGTH["title"], "honorific-prefix", placeholder=_("Ms, Dr, H.E.")
    )
    given_name = optional_text(_("Given name"), MAX_LENGTH["given_name"], "given-name")
    family_name = optional_text(_("Family name"), MAX_LENGTH["family_name"], "family-name")
    function = optional_text(
        _("Function"),
        MAX_LENGTH["function"],
        "organization-title",
        help_text=_("The job title in your organisation."),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = optional_text(_("Phone"), MAX_LENGTH["phone"], "tel", type="tel")

    def __init__(
        self,
        *args: Any,
        require_email: bool = False,
        required_to_submit: bool = False,
        **kwargs: Any,
    ) -> None:
        """`require_email`: the name and email are needed at once (the one taking over);
        `required_to_submit`: needed for a submission, not for a draft (the focal point)."""
        super().__init__(*args, **kwargs)
        self.require_email = require_email
        if require_email or required_to_submit:
            for name in ("family_name", "email"):
                # Its own copy: the fields are shared by every PortalPersonForm (SharedFields).
                self.fields[name] = copy.deepcopy(self.fields[name])
                if require_email:
                    self.fields[name].required = True
                else:
                    mark_required_to_submit(self.fields[name])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = any(cleaned.get(name) for name in self.fields)
        if given and not cleaned.get("family_name") and "family_name" not in self.errors:
            self.add_error("family_name", _("Give the family name."))
        return cleaned

    def person_data(self) -> PersonData | None:
        data = self.cleaned_data
        if not data.get("family_name"):
            return None
        return PersonData(**{name: data.get(name) or "" for name in self.fields})

    @staticmethod
    def initial_from(person: PersonData | None) -> dict[str, str]:
        if person is None:
            return {}
        return {
            "title": person.title,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "function": person.function,
            "email": person.email,
            "phone": person.phone,
        }


@person_rules
class PortalMemberForm(PortalForm):
    """One member of the delegation; a row left empty is no one."""

    title = optional_text(_("Title"), MAX_LENGTH["title"])
    given_name = optional_text(_("Given name"), MAX_LENGTH["given_name"])
    family_name = optional_text(_("Family name"), MAX_LENGTH["family_name"])
    function = optional_text(_("Function"), MAX_LENGTH["function"])
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=EmailInput(attrs={"autocomplete": "off"}),
    )
    # Checked against the country table, not through `choices`: setting 250 choices on
    # every row's field costs more than the check.
    nationality = forms.CharField(
        label=_("Nationality"), required=False, max_length=2, widget=CountrySelect()
    )
    # Explained once above the rows (portal/reply.html), not on each of them.
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=GENDER_CHOICES,
        widget=SmallSelect(attrs={"aria-describedby": "gender-help"}),
    )
    # The head's level is the delegation's: needed for the head once people are named.
    protocol_level = forms.ChoiceField(
        label=_("Protocol level"),
        required=False,
        choices=[("", "—"), *ProtocolLevel.choices],
        widget=SmallSelect(attrs={"aria-describedby": "level-help"}),
    )
    affiliation = optional_text(_("Affiliation (employer)"), 200)
    relationship = forms.ChoiceField(
        label=_("Relationship to your organisation"),
        required=False,
        choices=[("", "—"), *Relationship.choices],
        widget=SmallSelect(),
    )
    consent_to_publish = forms.BooleanField(
        label=_("May appear on the published List of Participants"),
        required=False,
        widget=CheckboxInput(attrs={"aria-describedby": "consent-help"}),
    )
    online = forms.BooleanField(
        label=_("Takes part online only (no badge)"),
        required=False,
        widget=CheckboxInput(),
    )

    #: Ticked boxes: shown below the row's fields.
    CHECKBOXES = ("consent_to_publish", "online")
    TEXT_FIELDS = ("title", "given_name", "family_name", "function", "email", "nationality")

    def clean_nationality(self) -> str:
        value = str(self.cleaned_data.get("nationality") or "")
        if value and value not in COUNTRIES:
            raise forms.ValidationError(_("Choose a country from the list."))
        return value

    @property
    def is_blank(self) -> bool:
        """Whether the row names nobody (a gender or consent alone names nobody)."""
        if self.is_bound:
            return not any(
                str(self.data.get(self.add_prefix(name), "")).strip() for name in self.TEXT_FIELDS
            )
        return not any(self.initial.get(name) for name in self.TEXT_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.is_blank
            and not cleaned.get("family_name")
            and "family_name" not in self.errors
        ):
            self.add_error("family_name", _("Give the family name."))
        return cleaned

    def delegate_data(self, *, is_head: bool) -> DelegateData:
        data = self.cleaned_data
        return DelegateData(
            family_name=data["family_name"],
            given_name=data["given_name"],
            title=data["title"],
            function=data["function"],
            email=data["email"],
            nationality=data["nationality"],
            gender=data["gender"],
            consent_to_publish=data["consent_to_publish"],
            is_head=is_head,
            affiliation=data["affiliation"],
            relationship=data["relationship"],
            protocol_level=data["protocol_level"],
            online=data["online"],
        )

    @staticmethod
    def initial_from(member: DelegateData) -> dict[str, Any]:
        return {
            "title": member.title,
            "given_name": member.given_name,
            "family_name": member.family_name,
            "function": member.function,
            "email": member.email,
            "nationality": member.nationality,
            "gender": member.gender,
            "consent_to_publish": member.consent_to_publish,
            "protocol_level": member.protocol_level,
            "affiliation": member.affiliation,
            "relationship": member.relationship,
            "online": member.online,
        }


class SharedFields(dict[str, forms.Field]):
    """A form's base fields that its instances share rather than deep-copy.

    Django deep-copies every field and widget of a form for each instance, so that one may
    change its fields without touching the others'. PortalMemberForm never does (no choices,
    required flag or widget set per row), and a delegation of ten took 80 field copies, half
    of the time that checking a posted reply takes; PortalPersonForm copies the two fields it
    changes first. Each instance still gets a dictionary of its own: adding or replacing a
    field in one form leaves the others alone.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


PortalMemberForm.base_fields = SharedFields(PortalMemberForm.base_fields)
PortalPersonForm.base_fields = SharedFields(PortalPersonForm.base_fields)


class BasePortalMemberFormSet(BaseFormSet[PortalMemberForm]):
    def clean(self) -> None:
        # Blank rows are dropped, not refused; the rest is the services' to check.
        return None


MemberFormSet = formset_factory(
    PortalMemberForm,
    formset=BasePortalMemberFormSet,
    extra=0,
    max_num=MAX_DELEGATES + ADD_ROWS,
    absolute_max=MAX_DELEGATES + ADD_ROWS,
    validate_max=True,
)


class ReplyForm(PortalForm):
    # Needed to submit, not to save a draft (delegations.services.problems).
    attending = mark_required_to_submit(
        forms.ChoiceField(
            label=_("Will your organisation attend?"),
            choices=ATTENDING_CHOICES,
            required=False,
            widget=forms.RadioSelect,
        )
    )
    decline_reason = forms.CharField(
        label=_("Reason for declining (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    estimated_participants = mark_required_to_submit(
        forms.IntegerField(
            label=_("Estimated number of participants"),
            required=False,
            min_value=1,
            max_value=MAX_ESTIMATE,
            help_text=_(
                "Seats are held with the estimate alone: you can submit now and name the "
                "members of the delegation later."
            ),
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
    )
    note = forms.CharField(
        label=_("Note to the secretariat (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def attending_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("attending") or "")


# The delegation page: changes to accredited delegates


class SubstituteForm(PortalMemberForm):
    """The newcomer who takes an approved delegate's place (accreditation.services.substitute)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.is_blank and "family_name" not in self.errors:
            self.add_error("family_name", _("Give the family name of the substitute."))
        return cleaned

    def newcomer(self) -> DelegateData:
        return self.delegate_data(is_head=False)


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExceptionRequestForm(PortalForm):
    """More delegates than the limit of the organisation's category, as a request to the
    secretariat (accreditation.services.request_exception)."""

    requested = forms.IntegerField(
        label=_("Delegates wanted in all"),
        min_value=1,
        max_value=MAX_ESTIMATE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Say how many delegates you want in all.")},
    )
    reason = forms.CharField(
        label=_("Why you need them"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason: the secretariat decides on it.")},
    )

    def __init__(self, *args: Any, limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit

    def clean_requested(self) -> int:
        requested = int(self.cleaned_data["requested"])
        if self.limit is not None and requested <= self.limit:
            raise forms.ValidationError(
                _("Your limit is already %(limit)d: ask for more than that.")
                % {"limit": self.limit}
            )
        return requested
