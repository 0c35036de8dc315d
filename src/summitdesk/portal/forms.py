"""The reply form of the portal: answer, focal points, delegation.

The forms only parse and check what one field can say on its own (an email address, a
number); whether a reply holds together (one head, an estimate not below the names given,
what a submission needs) is the services' to say (`delegations.services.problems`), and
`ReplyPage` shows their findings next to the fields.

A member row has no id: the delegation is replaced wholesale by the rows given, so there is
nothing in the form that could point at someone else's data.
"""

import copy
import functools
import html
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet, formset_factory
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.delegations.enums import Gender, HeadLevel
from summitdesk.delegations.services import (
    MAX_DELEGATES,
    DelegateData,
    PersonData,
    ReplyData,
)
from summitdesk.directory.validators import MAX_LENGTH, person_rules
from summitdesk.lib.countries import COUNTRIES, country_choices
from summitdesk.lib.forms import is_required, mark_required_to_submit

#: Blank member rows shown at least, and added by "Add more rows".
MIN_BLANK_ROWS = 3
ADD_ROWS = 5
MAX_ESTIMATE = 999
#: Blank fragments kept per process (see blank_fragment): a blank member row, with its
#: country list, takes 15 kB.
BLANK_FRAGMENTS = 512

ATTENDING_CHOICES = [("yes", _("Yes, we will attend")), ("no", _("No, we cannot attend"))]
# "Prefer not to say" first: it is the value of a row nobody has touched.
GENDER_CHOICES = [
    (Gender.UNSAID.value, Gender.UNSAID.label),
    (Gender.FEMALE.value, Gender.FEMALE.label),
    (Gender.MALE.value, Gender.MALE.label),
    (Gender.OTHER.value, Gender.OTHER.label),
]


@functools.cache
def nationality_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Countries named in `language` (Django's code) where a translation exists, in order."""
    return tuple(country_choices(language))


@functools.cache
def _options_html(language: str) -> str:
    return "".join(
        f'<option value="{alpha2}">{html.escape(name)}</option>'
        for alpha2, name in nationality_choices(language)
    )


_blank_fragments: dict[tuple[Hashable, ...], SafeString] = {}


def is_blank(form: forms.Form) -> bool:
    """Whether `form` shows nothing of anyone's: unbound (so without errors), no initial."""
    return not form.is_bound and not form.initial


def blank_fragment(key: tuple[Hashable, ...], render: Callable[[], SafeString]) -> SafeString:
    """The HTML that `render` makes for a blank form, made once per process and `key`.

    A blank form's HTML depends only on the language, the form's prefix and the like,
    which `key` must name; it holds no one's data, so one copy serves every visitor. The
    blank member rows, the row template and the empty person forms make up most of a
    fresh reply page, and rendering them field by field half of its time. Not under
    DEBUG, where templates may be edited while the server runs.
    """
    if settings.DEBUG:
        return render()
    full_key = (get_language(), *key)
    found = _blank_fragments.get(full_key)
    if found is None:
        found = render()
        if len(_blank_fragments) < BLANK_FRAGMENTS:
            _blank_fragments[full_key] = found
    return found


def member_html(
    member: "PortalMemberForm", index: int | str, number: int | str, head: str
) -> SafeString:
    """One member row (portal/_member.html); `index` "__prefix__" for the row template."""

    def render() -> SafeString:
        context = {"member": member, "index": index, "number": number, "head": head}
        return render_to_string("portal/_member.html", context)

    if not is_blank(member):
        return render()
    return blank_fragment(("member", member.prefix, index, number, head == str(index)), render)


def field_html(field: BoundField) -> SafeString:
    """One field of an unbound form (portal/_field.html): made once per value where the
    value says nothing of anyone (empty, a number, one of the field's choices)."""

    def render() -> SafeString:
        return render_to_string("portal/_field.html", {"field": field})

    value = field.value()
    choices = getattr(field.field, "choices", None)
    plain = (
        value is None
        or value == ""
        or isinstance(value, int)
        or (choices is not None and str(value) in {str(key) for key, _label in choices})
    )
    if field.form.is_bound or not plain:
        return render()
    key = (
        "field",
        type(field.form).__name__,
        field.form.prefix,
        field.name,
        "" if value is None else str(value),
        is_required(field.field),
        field.form.use_required_attribute,
    )
    return blank_fragment(key, render)


class FieldsHtml:
    """`form_html.<name>` in a template: the field's HTML, by field_html."""

    def __init__(self, form: forms.Form) -> None:
        self.form = form

    def __getitem__(self, name: str) -> SafeString:
        return field_html(self.form[name])


def person_fields_html(form: "PortalPersonForm") -> SafeString:
    """The fields of a person form (portal/_person_fields.html)."""

    def render() -> SafeString:
        return render_to_string("portal/_person_fields.html", {"form": form})

    if not is_blank(form):
        return render()
    required = tuple(is_required(field) for field in form.fields.values())
    key = ("person", form.prefix, form.use_required_attribute, required)
    return blank_fragment(key, render)


class DirectInput(Input):
    """An <input> written with format_html rather than through Django's widget templates,
    which cost a third of a millisecond each: a delegation of ten has a hundred of them.
    Same attributes, same order (type, name, value, the rest)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        given = {} if widget["value"] is None else {"value": widget["value"]}
        return format_html(
            '<input type="{}" name="{}"{}>',
            widget["type"],
            widget["name"],
            flatatt({**given, **widget["attrs"]}),
        )


class TextInput(DirectInput, forms.TextInput):
    pass


class EmailInput(DirectInput, forms.EmailInput):
    pass


class CheckboxInput(DirectInput, forms.CheckboxInput):
    pass


class SmallSelect(forms.Select):
    """A <select> of a few options, written with format_html (see DirectInput)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class CountrySelect(forms.Select):
    """A country list rendered from one cached string per language: a delegation of ten
    has ten of them, and Django's option-by-option templates would cost more than the
    rest of the page."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = str(value or "")
        options = _options_html(get_language() or "en")
        if chosen:
            needle = f'<option value="{html.escape(chosen)}">'
            options = options.replace(needle, needle[:-1] + " selected>", 1)
        return format_html(
            '<select name="{}"{}><option value=""{}>{}</option>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            "" if chosen else " selected",
            _("Not given"),
            mark_safe(options),  # noqa: S308 -- built from escaped names (_options_html)
        )


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
    consent_to_publish = forms.BooleanField(
        label=_("May appear on the published List of Participants"),
        required=False,
        widget=CheckboxInput(attrs={"aria-describedby": "consent-help"}),
    )

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
    head_level = forms.ChoiceField(
        label=_("Level of the head of delegation"),
        help_text=_(
            "The letter asks for your organisation to be represented at the highest level. "
            "Needed once you name members of the delegation."
        ),
        choices=HeadLevel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the secretariat (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def attending_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("attending") or "")


def blank_rows(estimate: int | None, named: int) -> int:
    """Blank member rows to show: enough for the seats not yet named, at least three."""
    wanted = max(MIN_BLANK_ROWS, (estimate or 0) - named)
    return max(0, min(wanted, MAX_DELEGATES - named))


def reply_data(
    form: ReplyForm,
    focal_point: PortalPersonForm,
    backup: PortalPersonForm,
    members: BaseFormSet[PortalMemberForm],
    head: str,
) -> ReplyData:
    """The reply the valid forms describe; `head` is the index of the row marked head."""
    attending = form.attending_value()
    delegates = []
    if attending is not False:
        for index, member in enumerate(members.forms):
            if not member.is_blank:
                delegates.append(member.delegate_data(is_head=head == str(index)))
    return ReplyData(
        attending=attending,
        decline_reason=form.cleaned_data.get("decline_reason") or "",
        estimated_participants=form.cleaned_data.get("estimated_participants"),
        head_level=form.cleaned_data.get("head_level") or "",
        focal_point=focal_point.person_data(),
        backup_focal_point=backup.person_data(),
        delegates=delegates,
    )


def _whole_number(value: Any) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


class ReplyPage:
    """The parts of the reply form together: bound to what was posted, or filled from the
    reply as it stands; with the services' findings placed beside the fields they concern."""

    def __init__(
        self,
        *,
        form: ReplyForm,
        focal_point: PortalPersonForm,
        backup: PortalPersonForm,
        members: BaseFormSet[PortalMemberForm],
        head: str,
    ) -> None:
        self.form = form
        self.focal_point = focal_point
        self.backup = backup
        self.members = members
        self.head = head
        self.delegation_errors: list[str] = []
        self.page_errors: list[str] = []

    @classmethod
    def initial(cls, current: ReplyData) -> "ReplyPage":
        attending = "" if current.attending is None else "yes" if current.attending else "no"
        rows = [PortalMemberForm.initial_from(member) for member in current.delegates]
        rows += [{}] * blank_rows(current.estimated_participants, len(rows))
        head = next(
            (str(index) for index, member in enumerate(current.delegates) if member.is_head), ""
        )
        return cls(
            form=ReplyForm(
                initial={
                    "attending": attending,
                    "decline_reason": current.decline_reason,
                    "estimated_participants": current.estimated_participants,
                    "head_level": current.head_level,
                }
            ),
            focal_point=PortalPersonForm(
                prefix="focal_point",
                initial=PortalPersonForm.initial_from(current.focal_point),
                required_to_submit=True,
            ),
            backup=PortalPersonForm(
                prefix="backup", initial=PortalPersonForm.initial_from(current.backup_focal_point)
            ),
            members=MemberFormSet(prefix="members", initial=rows),
            head=head,
        )

    @classmethod
    def bound(cls, data: QueryDict) -> "ReplyPage":
        return cls(
            form=ReplyForm(data),
            focal_point=PortalPersonForm(data, prefix="focal_point", required_to_submit=True),
            backup=PortalPersonForm(data, prefix="backup"),
            members=MemberFormSet(data, prefix="members"),
            head=str(data.get("head", "")),
        )

    @classmethod
    def with_more_rows(cls, data: QueryDict) -> "ReplyPage":
        """For "Add more rows": the page again with what was typed, neither checked nor saved,
        and ADD_ROWS more blank member rows (or enough for the estimate given)."""

        def raw(name: str) -> str:
            return str(data.get(name, ""))

        total = min(_whole_number(data.get("members-TOTAL_FORMS")), MAX_DELEGATES)
        rows: list[dict[str, Any]] = []
        for index in range(total):
            row: dict[str, Any] = {
                name: raw(f"members-{index}-{name}") for name in PortalMemberForm.base_fields
            }
            row["consent_to_publish"] = bool(data.get(f"members-{index}-consent_to_publish"))
            rows.append(row)
        estimate = _whole_number(data.get("estimated_participants"))
        wanted = min(max(total + ADD_ROWS, estimate), MAX_DELEGATES)
        rows += [{}] * max(0, wanted - total)

        def person(prefix: str) -> dict[str, str]:
            return {name: raw(f"{prefix}-{name}") for name in PortalPersonForm.base_fields}

        return cls(
            form=ReplyForm(initial={name: raw(name) for name in ReplyForm.base_fields}),
            focal_point=PortalPersonForm(
                prefix="focal_point", initial=person("focal_point"), required_to_submit=True
            ),
            backup=PortalPersonForm(prefix="backup", initial=person("backup")),
            members=MemberFormSet(prefix="members", initial=rows),
            head=raw("head"),
        )

    @property
    def form_html(self) -> FieldsHtml:
        return FieldsHtml(self.form)

    def management_html(self) -> SafeString:
        """The member formset's management form (hidden counts)."""
        management = self.members.management_form
        if self.members.is_bound:
            return management.render()
        counts = tuple(management.initial.get(name) for name in management.fields)
        return blank_fragment(("management", self.members.prefix, counts), management.render)

    def member_rows(self) -> list[SafeString]:
        return [
            member_html(member, index, index + 1, self.head)
            for index, member in enumerate(self.members.forms)
        ]

    def member_template(self) -> SafeString:
        """The row that the page's script copies for each member added."""
        return member_html(self.members.empty_form, "__prefix__", "__number__", "")

    def focal_point_fields(self) -> SafeString:
        return person_fields_html(self.focal_point)

    def backup_fields(self) -> SafeString:
        return person_fields_html(self.backup)

    @property
    def declining(self) -> bool:
        return self.form.is_bound and self.form.data.get("attending") == "no"

    def is_valid(self) -> bool:
        valid = [self.form.is_valid(), self.focal_point.is_valid(), self.backup.is_valid()]
        # A delegation is not looked at when the organisation declines.
        if not self.declining:
            valid.append(self.members.is_valid())
        return all(valid)

    def reply_data(self) -> ReplyData:
        return reply_data(self.form, self.focal_point, self.backup, self.members, self.head)

    def add_problems(self, found: Mapping[str, str]) -> None:
        """Place the services' findings (delegations.services.problems) by their fields."""
        for key, message in found.items():
            if key in ("attending", "decline_reason", "estimated_participants", "head_level"):
                self.form.add_error(key, message)
            elif key == "focal_point":
                self.focal_point.add_error(None, message)
            elif key == "delegates":
                self.delegation_errors.append(message)
            else:
                self.page_errors.append(message)

    def error_summary(self) -> list[tuple[str, str]]:
        """(where, message) of every error, in the page's order, for the summary on top."""
        found = [("reply-form", message) for message in self.page_errors]
        found += self.form_errors(self.form, "")
        found += [("focal-point", str(error)) for error in self.focal_point.non_field_errors()]
        found += self.form_errors(self.focal_point, str(_("Designated focal point")))
        found += self.form_errors(self.backup, str(_("Backup focal point")))
        found += [("delegation", message) for message in self.delegation_errors]
        if self.members.is_bound and not self.declining:
            found += [("delegation", str(error)) for error in self.members.non_form_errors()]
            for index, member in enumerate(self.members.forms):
                label = str(_("Member %(number)d")) % {"number": index + 1}
                found += self.form_errors(member, label)
        return found

    @staticmethod
    def form_errors(form: forms.Form, label: str) -> list[tuple[str, str]]:
        if not form.is_bound:
            return []
        found = []
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            bound = form[name]
            where = bound.id_for_label or f"field-{bound.html_name}"
            prefix = f"{label}, {bound.label}" if label else str(bound.label)
            found += [(where, f"{prefix}: {error}") for error in errors]
        return found


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
