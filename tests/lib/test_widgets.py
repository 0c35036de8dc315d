"""The staff widgets written without Django's templates write what Django's would."""

import re
from typing import Any

import pytest
from django import forms
from django.test.signals import template_rendered

from summitdesk.backoffice.reply_forms import StaffReplyMemberForm
from summitdesk.lib import widgets
from summitdesk.lib.countries import country_choices

CHOICES = [("", "—"), *country_choices(), ("x&y", 'A <b> & "q"')]


class DjangoForm(forms.Form):
    nationality = forms.ChoiceField(choices=CHOICES, required=False)
    country = forms.ChoiceField(choices=CHOICES)
    name = forms.CharField(required=False, max_length=20)
    email = forms.EmailField()
    ticked = forms.BooleanField(required=False)


class DirectForm(forms.Form):
    nationality = forms.ChoiceField(choices=CHOICES, required=False, widget=widgets.DirectSelect)
    country = forms.ChoiceField(choices=CHOICES, widget=widgets.DirectSelect)
    name = forms.CharField(required=False, max_length=20, widget=widgets.TextInput)
    email = forms.EmailField(widget=widgets.EmailInput)
    ticked = forms.BooleanField(required=False, widget=widgets.CheckboxInput)


def tight(html: str) -> str:
    """Without the blank space Django's templates leave between tags."""
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"nationality": "", "country": "KE", "name": 'a"<b&', "email": "x", "ticked": "on"},
        {"nationality": "FR", "country": "ZZ", "name": "x" * 30, "email": "a@b.org"},
        {"nationality": "x&y", "country": "", "name": "", "email": ""},
    ],
)
@pytest.mark.parametrize("initial", [{}, {"nationality": "KE", "name": "Q", "ticked": True}])
def test_direct_widgets_write_what_django_templates_write(
    data: dict[str, Any] | None, initial: dict[str, Any]
) -> None:
    django_form, direct_form = DjangoForm(data, initial=initial), DirectForm(data, initial=initial)
    if data is not None:
        assert django_form.is_valid() == direct_form.is_valid()

    for name in DjangoForm.base_fields:
        expected = tight(django_form[name].as_field_group())
        assert tight(direct_form[name].as_field_group()) == expected


def test_a_member_row_renders_no_widget_template() -> None:
    """Each of two hundred rows went through Django's option-by-option templates: 250
    countries a row, seconds for the page."""
    rendered: list[str] = []

    def record(sender: Any, template: Any, **kwargs: Any) -> None:
        rendered.append(template.name)

    member = StaffReplyMemberForm({"m-family_name": "Odhiambo", "m-nationality": "KE"}, prefix="m")
    template_rendered.connect(record)
    try:
        html = "".join(str(field.as_field_group()) for field in member)
    finally:
        template_rendered.disconnect(record)

    assert '<option value="KE" selected>' in html
    assert not [name for name in rendered if name.startswith("django/forms/widgets/")]


def test_a_select_with_groups_is_left_to_django() -> None:
    groups = [("", "—"), ("Europe", [("CH", "Switzerland"), ("FR", "France")])]
    django_field = forms.ChoiceField(choices=groups)
    direct_field = forms.ChoiceField(choices=groups, widget=widgets.DirectSelect)

    assert direct_field.widget.render("n", "FR") == django_field.widget.render("n", "FR")
    assert '<optgroup label="Europe">' in direct_field.widget.render("n", "FR")
