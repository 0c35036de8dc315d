from django import forms
from django.utils.translation import gettext_lazy as _

from summitdesk.webhooks.enums import Event
from summitdesk.webhooks.services import validate_target_url


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    target_url = forms.CharField(
        label=_("Address"),
        max_length=500,
        validators=[validate_target_url],
        help_text=_(
            "The receiver's http:// or https:// address; redirects are not followed. "
            "Private and local addresses are refused unless the installation allows them."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )


class EditSubscriptionForm(SubscriptionForm):
    active = forms.BooleanField(label=_("Active"), required=False)
