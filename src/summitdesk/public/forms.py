"""The forms of the public pages."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from summitdesk.delegations.enums import Relationship
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.lib.countries import country_choices

SEARCH_MAX_LENGTH = 100
MESSAGE_MAX_LENGTH = 1000


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name of the organisation"),
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Type its full name, or the words of it, or its acronym."),
    )


class JoinRequestForm(forms.Form):
    """Who the person is, as a member of a delegation is named in a reply."""

    given_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send a link to this address: your request goes out once you open it."),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        required=False,
        help_text=_("Your employer, when it is not the organisation you ask to join."),
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the organisation"),
        required=False,
        choices=[("", "—"), *Relationship.choices],
    )
    message = forms.CharField(
        label=_("Message to the organisation"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    organisation = forms.CharField(widget=forms.HiddenInput, max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["nationality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *country_choices(translation.get_language())]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Text cannot contain the NUL character."))
        return cleaned

    def joiner(self) -> JoinerData:
        data = self.cleaned_data
        return JoinerData(
            family_name=data["family_name"],
            email=data["email"],
            given_name=data["given_name"],
            function=data["function"],
            nationality=data["nationality"],
            affiliation=data["affiliation"],
            relationship=data["relationship"],
            message=data["message"],
        )
