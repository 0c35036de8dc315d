"""Every form marks its required fields the same way (lib/forms.py): a visible "(required)"
after the label and `aria-required="true"` on the input, whether Django writes the form
(staff pages), the portal's field template does (portal, delegate pages) or a template
writes the field by hand."""

import re
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client

from summitdesk.lib.forms import mark_required_to_submit
from summitdesk.portal.forms import ExceptionRequestForm

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "summitdesk" / "templates"
MARK = ' <span class="required" aria-hidden="true">(required)</span>'


class Sample(forms.Form):
    name = forms.CharField(label="Name")
    note = forms.CharField(label="Note", required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    estimate = mark_required_to_submit(forms.IntegerField(label="Estimate", required=False))


def test_django_rendered_form_marks_required_fields_and_only_those() -> None:
    html = str(Sample())

    assert f'<label for="id_name">Name:{MARK}</label>' in html
    assert re.search(
        r'<input type="text" name="name" required aria-required="true" id="id_name">', html
    )
    assert '<label for="id_note">Note:</label>' in html
    assert '<input type="text" name="note" id="id_note">' in html
    # A group of radios: the group says it, not each radio (ARIA allows it on a radiogroup).
    assert re.search(
        r'<fieldset role="radiogroup" aria-required="true">\s*<legend>Kind:' + re.escape(MARK), html
    )
    assert 'aria-required="true" id="id_kind_0"' not in html
    # Needed to submit though not to save: marked, without the browser's `required`.
    assert f'<label for="id_estimate">Estimate:{MARK}</label>' in html
    assert re.search(
        r'<input type="number" name="estimate" aria-required="true" id="id_estimate">', html
    )


def test_portal_field_template_marks_required_fields() -> None:
    form = ExceptionRequestForm(limit=3)

    html = render_to_string("portal/_field.html", {"field": form["requested"]})

    assert f'<label for="id_requested">Delegates wanted in all{MARK}</label>' in html
    assert 'aria-required="true"' in html


@pytest.mark.django_db
def test_sign_in_page_marks_its_fields() -> None:
    html = Client().get("/sign-in/").content.decode()

    assert f"Username:{MARK}</label>" in html
    assert f"Password:{MARK}</label>" in html
    assert html.count('aria-required="true"') == 2


def test_fields_written_by_hand_say_they_are_required_to_assistive_technology() -> None:
    """A template that writes an input with `required` gives it `aria-required` too."""
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in re.finditer(r"<(input|textarea|select)\b[^>]*>", path.read_text()):
            tag = match.group(0)
            if re.search(r"\srequired[\s>]", tag) and 'aria-required="true"' not in tag:
                missing.append(f"{path.relative_to(TEMPLATES)}: {tag}")

    assert missing == []
