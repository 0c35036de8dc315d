"""The portal's own selects, written with format_html, the country list from one cached
string per language (a delegation of ten has a hundred fields; its inputs are
lib.widgets')."""

import functools
import html
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from summitdesk.lib.countries import country_choices


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
