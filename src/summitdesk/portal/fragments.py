"""The fragment cache: the HTML of blank forms, made once per process and language.

A blank form (unbound, no initial) shows nothing of anyone's, so its HTML depends only on
the language and the form's prefix and the like, and one copy serves every visitor. Any
form that holds a visitor's data is rendered afresh.
"""

from collections.abc import Callable, Hashable

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from summitdesk.lib.forms import is_required
from summitdesk.portal.forms import PortalMemberForm, PortalPersonForm

#: Blank fragments kept per process (see blank_fragment): a blank member row, with its
#: country list, takes 15 kB.
BLANK_FRAGMENTS = 512


_blank_fragments: dict[tuple[Hashable, ...], SafeString] = {}


def is_blank(form: forms.Form) -> bool:
    """Whether `form` shows nothing of anyone's: unbound (so without errors), no initial."""
    return not form.is_bound and not form.initial


def blank_fragment(key: tuple[Hashable, ...], render: Callable[[], SafeString]) -> SafeString:
    """The HTML that `render` makes for a blank form, made once per process and `key`.

    A blank form's HTML depends only on the language, the form's prefix and the like,
    which `key` must name; it holds no one's data, so one copy serves every visitor. The
    blank member rows, the row template and the empty person forms make up most of a
    fresh reply page, and rendering them field by field half of its time. Not under
    DEBUG, where templates may be edited while the server runs.
    """
    if settings.DEBUG:
        return render()
    full_key = (get_language(), *key)
    found = _blank_fragments.get(full_key)
    if found is None:
        found = render()
        if len(_blank_fragments) < BLANK_FRAGMENTS:
            _blank_fragments[full_key] = found
    return found


def member_html(
    member: "PortalMemberForm", index: int | str, number: int | str, head: str
) -> SafeString:
    """One member row (portal/_member.html); `index` "__prefix__" for the row template."""

    def render() -> SafeString:
        context = {"member": member, "index": index, "number": number, "head": head}
        return render_to_string("portal/_member.html", context)

    if not is_blank(member):
        return render()
    return blank_fragment(("member", member.prefix, index, number, head == str(index)), render)


def field_html(field: BoundField) -> SafeString:
    """One field of an unbound form (portal/_field.html): made once per value where the
    value says nothing of anyone (empty, a number, one of the field's choices)."""

    def render() -> SafeString:
        return render_to_string("portal/_field.html", {"field": field})

    value = field.value()
    choices = getattr(field.field, "choices", None)
    plain = (
        value is None
        or value == ""
        or isinstance(value, int)
        or (choices is not None and str(value) in {str(key) for key, _label in choices})
    )
    if field.form.is_bound or not plain:
        return render()
    key = (
        "field",
        type(field.form).__name__,
        field.form.prefix,
        field.name,
        "" if value is None else str(value),
        is_required(field.field),
        field.form.use_required_attribute,
    )
    return blank_fragment(key, render)


class FieldsHtml:
    """`form_html.<name>` in a template: the field's HTML, by field_html."""

    def __init__(self, form: forms.Form) -> None:
        self.form = form

    def __getitem__(self, name: str) -> SafeString:
        return field_html(self.form[name])


def person_fields_html(form: "PortalPersonForm") -> SafeString:
    """The fields of a person form (portal/_person_fields.html)."""

    def render() -> SafeString:
        return render_to_string("portal/_person_fields.html", {"form": form})

    if not is_blank(form):
        return render()
    required = tuple(is_required(field) for field in form.fields.values())
    key = ("person", form.prefix, form.use_required_attribute, required)
    return blank_fragment(key, render)
