"""Forms of the badge pages: a print run's selection and layout; a meeting's own design."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from summitdesk.accreditation.enums import BadgeLayout
from summitdesk.accreditation.layouts import LayoutError, check_offsets

WHICH = [
    ("unprinted", gettext_lazy("Not yet printed")),
    ("all", gettext_lazy("All approved")),
]


class PrintRunForm(forms.Form):
    skip_incomplete = forms.BooleanField(
        label=gettext_lazy("Leave out the badges without photo or identity data"),
        required=False,
    )
    which = forms.ChoiceField(
        label=gettext_lazy("Which badges"), choices=WHICH, initial="unprinted"
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        choices=BadgeLayout.choices,
        initial=BadgeLayout.CARD,
        required=False,
        widget=forms.RadioSelect,
    )
    offset_top = forms.DecimalField(
        label=gettext_lazy("Top offset (mm)"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal(0),
        required=False,
        help_text=gettext_lazy("Moves the badges down (negative: up) to meet the cuts."),
    )
    offset_left = forms.DecimalField(
        label=gettext_lazy("Left offset (mm)"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal(0),
        required=False,
        help_text=gettext_lazy("Moves the badges right (negative: left)."),
    )

    def clean(self) -> dict[str, Any]:
        # Left out (a script, an older page): one badge a page, not moved.
        cleaned = super().clean() or {}
        layout = cleaned["layout"] = cleaned.get("layout") or BadgeLayout.CARD
        for name in ("offset_top", "offset_left"):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = Decimal(0)
        top, left = cleaned.get("offset_top"), cleaned.get("offset_left")
        if top is not None and left is not None:
            try:
                check_offsets(layout, offset_top=top, offset_left=left)
            except LayoutError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


class BadgeTemplateForm(forms.Form):
    template = forms.FileField(
        label=gettext_lazy("Typst file (.typ)"),
        help_text=gettext_lazy(
            "It must define badge(b, width: .., height: ..), as the built-in design does."
        ),
    )
