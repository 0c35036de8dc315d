"""Form widgets written without Django's widget templates, which cost a third of a
millisecond each: a delegation of ten has a hundred fields on the portal, and the staff
reply form of two hundred members has thousands, each list of some 250 countries fifty
thousand option renders. Same tags, same attributes in the same order as Django's."""

import functools
from typing import Any

from django import forms
from django.forms.widgets import Input
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def attributes(attrs: dict[str, Any]) -> SafeString:
    """What django/forms/widgets/attrs.html writes: each attribute in order, True ones
    bare, False ones left out (Django's flatatt puts the bare ones last)."""
    return mark_safe(  # noqa: S308 -- every name and value escaped
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class DirectInput(Input):
    """An <input>: type, name, value, then the other attributes."""

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
            attributes({**given, **widget["attrs"]}),
        )


class TextInput(DirectInput, forms.TextInput):
    pass


class EmailInput(DirectInput, forms.EmailInput):
    pass


class CheckboxInput(DirectInput, forms.CheckboxInput):
    pass


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
            attributes(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 -- every value and label escaped (_options_html)
        )
