"""Forms of the reply pages: the tracker's filters, and the reply staff enter or correct on
an organisation's behalf (from a letter or a fax), with the portal's fields.

`StaffReplyForm` gathers four Django forms (the answer, the focal point, the backup, the
members) and gives `services.ReplyData`; the services' own checks (`services.problems`)
are shown next to the fields they concern.
"""

from dataclasses import asdict
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from summitdesk.delegations import queries
from summitdesk.delegations.enums import Gender, ProtocolLevel, Relationship
from summitdesk.delegations.services import MAX_DELEGATES, DelegateData, PersonData, ReplyData
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.validators import MAX_LENGTH, person_rules
from summitdesk.lib import widgets
from summitdesk.lib.countries import REGIONS, UNKNOWN_REGION, country_choices

#: Empty member rows offered below those already named; "More rows" adds as many again.
EXTRA_MEMBERS = 3
MORE_MEMBERS = 5
#: As on the portal.
MAX_ESTIMATE = 999
#: "Prefer not to say" first: the value of a row nobody has touched.
GENDERS = [(Gender.UNSAID.value, Gender.UNSAID.label)] + [
    choice for choice in Gender.choices if choice[0] != Gender.UNSAID.value
]


def _any(label: StrOrPromise, choices: Any) -> list[tuple[str, StrOrPromise]]:
    return [("", label), *list(choices)]


class TrackerFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=_any(gettext_lazy("Any"), queries.LIST_STATES),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=_any(gettext_lazy("Any"), Category.choices),
    )
    stakeholder_group = forms.ChoiceField(
        label=gettext_lazy("Stakeholder group"),
        required=False,
        choices=_any(gettext_lazy("Any"), StakeholderGroup.choices),
    )
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        choices=_any(
            gettext_lazy("Any"),
            [*REGIONS.items(), (UNKNOWN_REGION, gettext_lazy("Unknown region"))],
        ),
    )

    def list_filter(self) -> queries.ListFilter:
        """The filter chosen; nothing when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return queries.ListFilter()
        return queries.ListFilter(**self.cleaned_data)


ATTENDING_CHOICES = [
    ("", gettext_lazy("Not said yet")),
    ("yes", gettext_lazy("Yes, the organisation will attend")),
    ("no", gettext_lazy("No, the organisation declines")),
]


class AnswerForm(forms.Form):
    attending = forms.ChoiceField(
        label=gettext_lazy("Will the organisation attend?"),
        required=False,
        choices=ATTENDING_CHOICES,
        widget=forms.RadioSelect,
    )
    decline_reason = forms.CharField(
        label=gettext_lazy("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    estimated_participants = forms.IntegerField(
        label=gettext_lazy("Estimated number of participants"),
        required=False,
        min_value=1,
        max_value=MAX_ESTIMATE,
    )


@person_rules
class StaffReplyPersonForm(forms.Form):
    """A focal point: every field optional, but a name is needed to keep the others."""

    title = forms.CharField(
        label=gettext_lazy("Title"), required=False, max_length=MAX_LENGTH["title"]
    )
    given_name = forms.CharField(
        label=gettext_lazy("Given name"), required=False, max_length=MAX_LENGTH["given_name"]
    )
    family_name = forms.CharField(
        label=gettext_lazy("Family name"), required=False, max_length=MAX_LENGTH["family_name"]
    )
    function = forms.CharField(
        label=gettext_lazy("Function"),
        required=False,
        max_length=MAX_LENGTH["function"],
        help_text=gettext_lazy("The job title in the organisation."),
    )
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone"), required=False, max_length=MAX_LENGTH["phone"]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        named = cleaned.get("family_name") or "family_name" in self.errors
        if not named and any(cleaned.get(name) for name in self.fields):
            self.add_error("family_name", _("Give the family name too, or clear this person."))
        return cleaned

    def person_data(self) -> PersonData | None:
        if not self.cleaned_data.get("family_name"):
            return None
        return PersonData(**{name: self.cleaned_data[name] for name in self.fields})


@person_rules
class StaffReplyMemberForm(forms.Form):
    """One member of the delegation; a row left empty is ignored."""

    title = forms.CharField(
        widget=widgets.TextInput,
        label=gettext_lazy("Title"),
        required=False,
        max_length=MAX_LENGTH["title"],
    )
    given_name = forms.CharField(
        widget=widgets.TextInput,
        label=gettext_lazy("Given name"),
        required=False,
        max_length=MAX_LENGTH["given_name"],
    )
    family_name = forms.CharField(
        widget=widgets.TextInput,
        label=gettext_lazy("Family name"),
        max_length=MAX_LENGTH["family_name"],
    )
    function = forms.CharField(
        widget=widgets.TextInput,
        label=gettext_lazy("Function"),
        required=False,
        max_length=MAX_LENGTH["function"],
    )
    email = forms.EmailField(widget=widgets.EmailInput, label=gettext_lazy("Email"), required=False)
    nationality = forms.ChoiceField(
        label=gettext_lazy("Nationality"),
        required=False,
        choices=_any("—", country_choices()),
        widget=widgets.DirectSelect,
    )
    gender = forms.ChoiceField(
        widget=widgets.DirectSelect, label=gettext_lazy("Gender"), required=False, choices=GENDERS
    )
    consent_to_publish = forms.BooleanField(
        widget=widgets.CheckboxInput,
        label=gettext_lazy("May appear on the published List of Participants"),
        required=False,
    )
    is_head = forms.BooleanField(
        widget=widgets.CheckboxInput, label=gettext_lazy("Head of delegation"), required=False
    )
    protocol_level = forms.ChoiceField(
        widget=widgets.DirectSelect,
        label=gettext_lazy("Protocol level"),
        required=False,
        choices=_any("—", ProtocolLevel.choices),
        help_text=gettext_lazy("The head's level is the delegation's."),
    )
    participant_type = forms.ChoiceField(
        widget=widgets.DirectSelect,
        label=gettext_lazy("Participant type"),
        required=False,
        choices=[("", gettext_lazy("Default of the category"))],
    )
    affiliation = forms.CharField(
        widget=widgets.TextInput,
        label=gettext_lazy("Affiliation (employer)"),
        required=False,
        max_length=200,
    )
    relationship = forms.ChoiceField(
        widget=widgets.DirectSelect,
        label=gettext_lazy("Relationship to the organisation"),
        required=False,
        choices=_any("—", Relationship.choices),
    )
    online = forms.BooleanField(
        widget=widgets.CheckboxInput, label=gettext_lazy("Takes part online only"), required=False
    )

    def __init__(
        self, *args: Any, types: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participant_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Default of the category")), *(types or [])]

    # What DelegateData takes (the formset adds "DELETE").
    DATA_FIELDS = (
        "title",
        "given_name",
        "family_name",
        "function",
        "email",
        "nationality",
        "gender",
        "consent_to_publish",
        "is_head",
        "protocol_level",
        "participant_type",
        "affiliation",
        "relationship",
        "online",
    )

    def delegate_data(self) -> DelegateData:
        return DelegateData(**{name: self.cleaned_data[name] for name in self.DATA_FIELDS})


MemberFormSet = forms.formset_factory(
    StaffReplyMemberForm,
    extra=EXTRA_MEMBERS,
    can_delete=True,
    max_num=MAX_DELEGATES + MORE_MEMBERS,
    absolute_max=MAX_DELEGATES + MORE_MEMBERS,
)


class StaffReplyForm:
    """The whole reply: an answer, two focal points and the members, bound together."""

    def __init__(
        self,
        data: QueryDict | None,
        *,
        initial: ReplyData,
        version: str,
        types: list[tuple[str, str]] | None = None,
    ) -> None:
        """`types`: the meeting's participant types, (code, name)."""
        # The reply's version now; a form posted from an older one is stale.
        self.version = version
        self.stale = data is not None and data.get("version", "") != version
        self.adding_rows = data is not None and "more" in data
        if data is not None and self.adding_rows:
            data = data.copy()
            total = data.get("members-TOTAL_FORMS", "")
            rows = int(total) if total.isdigit() else 0
            data["members-TOTAL_FORMS"] = str(min(rows + MORE_MEMBERS, MAX_DELEGATES))
        self.answer = AnswerForm(data, initial=_answer_initial(initial))
        self.focal_point = StaffReplyPersonForm(
            data, prefix="focal_point", initial=_person_initial(initial.focal_point)
        )
        self.backup = StaffReplyPersonForm(
            data, prefix="backup", initial=_person_initial(initial.backup_focal_point)
        )
        self.members = MemberFormSet(
            data,
            prefix="members",
            initial=[asdict(delegate) for delegate in initial.delegates],
            form_kwargs={"types": types or []},
        )
        # Problems of the delegation as a whole (services.problems "delegates").
        self.members_problem = ""

    def is_valid(self) -> bool:
        valid = [part.is_valid() for part in (self.answer, self.focal_point, self.backup)]
        return all(valid) and self.members.is_valid()

    def reply_data(self) -> ReplyData:
        answer = self.answer.cleaned_data
        attending = {"yes": True, "no": False}.get(answer["attending"])
        return ReplyData(
            attending=attending,
            decline_reason=answer["decline_reason"].strip(),
            estimated_participants=answer["estimated_participants"],
            focal_point=self.focal_point.person_data(),
            backup_focal_point=self.backup.person_data(),
            delegates=[
                member.delegate_data()
                for member in self.members.forms
                if member.cleaned_data.get("family_name") and not member.cleaned_data.get("DELETE")
            ],
        )

    def add_problems(self, found: dict[str, str]) -> None:
        """Place what services.problems found next to the fields concerned."""
        for key, message in found.items():
            if key in self.answer.fields:
                self.answer.add_error(key, message)
            elif key == "focal_point":
                self.focal_point.add_error(None, message)
            else:  # the first problem of the delegation ("delegates", then "head_level")
                self.members_problem = self.members_problem or message

    def add_error(self, message: str) -> None:
        self.answer.add_error(None, message)

    @property
    def errors(self) -> list[tuple[str, StrOrPromise, str]]:
        """Every error, for the summary at the top: (anchor, what, message)."""
        found: list[tuple[str, StrOrPromise, str]] = [
            ("reply-form", _("Reply"), str(error)) for error in self.answer.non_field_errors()
        ]
        sections: list[tuple[forms.Form, StrOrPromise]] = [
            (self.answer, ""),
            (self.focal_point, _("Designated focal point")),
            (self.backup, _("Backup focal point")),
        ]
        sections += [
            (member, _("Member %(number)d") % {"number": index})
            for index, member in enumerate(self.members.forms, start=1)
        ]
        for form, section in sections:
            if form is not self.answer:
                found += [
                    (f"{form.prefix}-section", section, str(e)) for e in form.non_field_errors()
                ]
            for bound in form:
                label = f"{section}: {bound.label}" if section else bound.label
                found += [(bound.id_for_label, label, str(error)) for error in bound.errors]
        if self.members_problem:
            found.append(("members-section", _("Delegation"), self.members_problem))
        return found


def _answer_initial(data: ReplyData) -> dict[str, Any]:
    return {
        "attending": "" if data.attending is None else ("yes" if data.attending else "no"),
        "decline_reason": data.decline_reason,
        "estimated_participants": data.estimated_participants,
    }


def _person_initial(data: PersonData | None) -> dict[str, Any]:
    return asdict(data) if data else {}
