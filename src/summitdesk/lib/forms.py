"""How every form's fields say what they need: one place, so that each form (staff, portal,
delegate, public) marks its required fields the same way.

A field is required when the form refuses to go on without it (`Field.required`), or when
a submission refuses to go on without it though a draft may be saved (`required_to_submit`,
set with `mark_required_to_submit`: the reply form's answer, focal point and estimate).
Either way its label carries a visible "(required)" (aria-hidden) and its input
`aria-required="true"`; only the first also carries the browser's `required`.
"""

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import CheckboxSelectMultiple, RadioSelect, Widget
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

#: Widgets that are a group of inputs: the group is required, not each input (ARIA allows
#: aria-required on a radiogroup, not on a radio), so the fieldset carries it.
GROUP_WIDGETS = (RadioSelect, CheckboxSelectMultiple)


def mark_required_to_submit(field: forms.Field) -> forms.Field:
    """`field`, marked as needed for a submission though not for a draft."""
    field.required_to_submit = True  # type: ignore[attr-defined]
    return field


def is_required(field: forms.Field) -> bool:
    return bool(field.required or getattr(field, "required_to_submit", False))


def required_marker() -> SafeString:
    """The visible mark after a required field's label. Hidden from assistive technology,
    which hears `aria-required` instead (so "required" is not said twice, and the field's
    name stays its label)."""
    return format_html(' <span class="required" aria-hidden="true">({})</span>', _("required"))


def is_group(widget: Widget) -> bool:
    return isinstance(widget, GROUP_WIDGETS)


class MarkedBoundField(BoundField):
    """A field whose label and input say whether it is required."""

    @property
    def is_required(self) -> bool:
        return is_required(self.field)

    @property
    def required_marker(self) -> SafeString:
        return required_marker() if self.is_required else mark_safe("")

    @property
    def group_attrs(self) -> SafeString:
        """The attributes of the fieldset around a required group of radios or checkboxes."""
        if self.is_required and is_group(self.field.widget):
            return mark_safe(' role="radiogroup" aria-required="true"')
        return mark_safe("")

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Widget | None = None) -> Any:
        built = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.is_required and not widget.is_hidden and not is_group(widget):
            built["aria-required"] = "true"
        return built

    def label_tag(
        self,
        contents: str | None = None,
        attrs: dict[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> SafeString:
        label = super().label_tag(contents, attrs, label_suffix, tag)
        if not self.is_required or not self.label:
            return label
        closing = f"</{tag or 'label'}>"
        if label.endswith(closing):
            return mark_safe(label[: -len(closing)] + self.required_marker + closing)  # noqa: S308 -- both parts are safe
        return mark_safe(label + self.required_marker)  # noqa: S308


class FormRenderer(TemplatesSetting):
    """The project's form renderer (settings.FORM_RENDERER): Django's templates, found
    through settings.TEMPLATES, with MarkedBoundField and a field template
    (templates/forms/field.html) whose fieldsets say when a group is required."""

    bound_field_class = MarkedBoundField
    field_template_name = "forms/field.html"
