from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.lib.countries import country_choices
from summitdesk.reports.dashboard import REGION_CHOICES, Filters


def _any(choices: Any) -> list[tuple[str, StrOrPromise]]:
    return [("", _("Any")), *choices]


class QuickSelect(forms.Select):
    """A select written out in Python: Django's template-drawn one is slow for the 250
    countries, a large share of the page's time. Values and labels are escaped."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = "" if value is None else str(value)
        selected = mark_safe(" selected")  # a constant
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, selected if str(option) == chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string: every figure is narrowed to
    the organisations chosen."""

    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_any(Category.choices), widget=QuickSelect
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group"),
        required=False,
        choices=_any(StakeholderGroup.choices),
        widget=QuickSelect,
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=_any(REGION_CHOICES), widget=QuickSelect
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=_any(country_choices()), widget=QuickSelect
    )

    def filters(self) -> Filters:
        """The filters chosen; none when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        return Filters(**self.cleaned_data)


class PublicStatisticsForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("1", _("Publish")), ("0", _("Withdraw"))],
        coerce=lambda value: value == "1",
    )
