"""Forms of the venue pages: a zone, a gate, a participant type's zones, a pass pool,
one accreditation's valid dates and zones."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from summitdesk.backoffice.forms import NameTranslationsMixin
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Reply
from summitdesk.meetings.models import Meeting
from summitdesk.venue import passes
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import Gate, Zone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ZoneForm(NameTranslationsMixin, forms.Form):
    translated = "name"
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Used by gates and the API; made from the name when left empty."),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    is_main_entrance = forms.BooleanField(label=_("Main entrance"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Name"), 100)


class ZoneEditForm(NameTranslationsMixin, forms.Form):
    """A zone's names and capacity (its code and main entrance stay as created)."""

    translated = "name"
    name = forms.CharField(label=_("Name"), max_length=100)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)

    def __init__(self, zone: Zone, *args: Any, **kwargs: Any) -> None:
        self.instance = zone
        kwargs.setdefault("initial", {"name": zone.name, "capacity": zone.capacity})
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Name"), 100)


def _zone_choices(meeting: Meeting) -> Any:
    return Zone.objects.filter(meeting=meeting).order_by("position", "pk")


class GateForm(forms.Form):
    name = forms.CharField(
        label=_("Gate or desk name"),
        max_length=50,
        help_text=_("A desk named so at the check-in page scans for this gate."),
    )
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)

    def __init__(self, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zone_choices(meeting)  # type: ignore[attr-defined]


class GateEditForm(GateForm):
    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"name": gate.name, "zone": gate.zone_id, "direction": gate.direction}
        )
        super().__init__(gate.meeting, *args, **kwargs)


class ZoneDefaultForm(forms.Form):
    participant_type_code = forms.SlugField(
        label=_("Participant type (code)"),
        max_length=40,
        help_text=_("For example delegate, press, observer, vip."),
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Zones"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = _zone_choices(meeting)  # type: ignore[attr-defined]


class PoolForm(forms.Form):
    reply = forms.ModelChoiceField(label=_("Delegation"), queryset=Reply.objects.none())
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())
    session = forms.CharField(label=_("Session"), max_length=100, required=False)
    size = forms.IntegerField(label=_("Passes"), min_value=1, max_value=passes.MAX_POOL_SIZE)
    cutoff = forms.DateTimeField(
        label=_("Assignable until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zone_choices(meeting)  # type: ignore[attr-defined]
        self.fields["reply"].queryset = (  # type: ignore[attr-defined]
            Reply.objects.filter(meeting=meeting, state__in=ATTENDING_STATES)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.fields["reply"].label_from_instance = lambda reply: reply.organisation.name  # type: ignore[attr-defined]


class ValidityForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    zones = forms.ModelMultipleChoiceField(
        label=_("Zones"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = _zone_choices(meeting)  # type: ignore[attr-defined]
        # The browser's date picker offers the meeting's days only (the service checks).
        for name in ("valid_from", "valid_until"):
            widget = self.fields[name].widget
            if meeting.start_date:
                widget.attrs["min"] = meeting.start_date.isoformat()
            if meeting.end_date:
                widget.attrs["max"] = meeting.end_date.isoformat()
