"""The staff form of a process's admission policy, and one form per checklist line (its
title in the six languages, what it must show, whether it is required, its place)."""

from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from summitdesk.admission.models import AdmissionPolicy, RequiredDocument
from summitdesk.admission.policies import POLICY_FIELDS, ChecklistLine
from summitdesk.backoffice.forms import DATETIME_INPUT, NameTranslationsMixin
from summitdesk.directory.enums import Category, StakeholderGroup


class PolicyForm(forms.ModelForm[AdmissionPolicy]):
    categories = forms.MultipleChoiceField(
        label=_("Categories that may apply"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any category may apply."),
    )
    stakeholder_groups = forms.MultipleChoiceField(
        label=_("Stakeholder groups that may apply"),
        choices=StakeholderGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any group may apply."),
    )

    class Meta:
        model = AdmissionPolicy
        fields = list(POLICY_FIELDS)
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_INPUT
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_INPUT
            ),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Applications must close after they open."))
        return cleaned

    def data_for_services(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in POLICY_FIELDS}


#: A checklist line's own fields (the formset adds its policy to the form's Meta list).
LINE_FIELDS = ("title", "description", "required", "position")


class RequiredDocumentForm(NameTranslationsMixin, forms.ModelForm[RequiredDocument]):
    translated = "title"

    class Meta:
        model = RequiredDocument
        fields = list(LINE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_translation_fields(_("Title"), 200)

    def line_fields(self) -> list[forms.BoundField]:
        """The line's own visible fields (not its translations, nor Delete)."""
        return [self[name] for name in LINE_FIELDS]


ChecklistFormSet: type[
    BaseInlineFormSet[RequiredDocument, AdmissionPolicy, RequiredDocumentForm]
] = inlineformset_factory(
    AdmissionPolicy,
    RequiredDocument,
    form=RequiredDocumentForm,
    extra=2,
    can_delete=True,
)


def checklist_lines(formset: Any) -> list[ChecklistLine]:
    """The lines as staff left them (blank new lines dropped)."""
    lines = []
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue
        data = {field: form.cleaned_data.get(field) for field in LINE_FIELDS}
        data["title_translations"] = form.translations()
        lines.append(
            ChecklistLine(
                pk=form.instance.pk,
                data=data,
                delete=bool(form.cleaned_data.get("DELETE")),
            )
        )
    return lines
