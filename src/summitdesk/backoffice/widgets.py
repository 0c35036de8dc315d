"""Staff form widgets written without Django's option-by-option templates.

The staff reply form may list two hundred members, each with a list of some 250
countries: through Django's templates that is fifty thousand option renders, seconds
for one page. `DirectSelect` writes the same <select> from one cached string of options.
"""

import functools
from typing import Any

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def attributes(attrs: dict[str, Any]) -> str:
    """What django/forms/widgets/attrs.html writes: each attribute in order, True ones
    bare, False ones left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@functools.lru_cache(maxsize=32)
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    return "".join(
        f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices
    )


class DirectSelect(forms.Select):
    """A <select> of many flat options (no groups), as Django's would be: the first option
    whose value is the field's marked selected, the same attributes."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if any(isinstance(label, list | tuple) for _key, label in self.choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's templates
        # Labels are made text in the language active now (lazy ones included).
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        options = _options_html(choices)
        chosen = self.format_value(value)
        for key, _label in choices:
            if key in chosen:
                needle = f'<option value="{escape(key)}">'
                options = options.replace(needle, needle[:-1] + " selected>", 1)
                break
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            mark_safe(attributes(self.build_attrs(self.attrs, attrs))),  # noqa: S308 -- escaped
            mark_safe(options),  # noqa: S308 -- every value and label escaped (_options_html)
        )


class DirectInput(forms.widgets.Input):
    """An <input> as django/forms/widgets/input.html writes it, without the template
    (a third of a millisecond each, and the reply form of two hundred members has two
    thousand of them)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        given = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(  # noqa: S308 -- every part escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
            f"{given}{attributes(widget['attrs'])}>"
        )


class TextInput(DirectInput, forms.TextInput):
    pass


class EmailInput(DirectInput, forms.EmailInput):
    pass


class CheckboxInput(DirectInput, forms.CheckboxInput):
    pass
