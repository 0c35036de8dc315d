"""Names typed in the back office: the directory's person page, the reply page's focal
points and members, and a substitute entered for a focal point refuse what the portal
refuses, with the same message."""

from typing import Any

import pytest
from django import forms
from django.test import Client

from summitdesk.backoffice import accreditation_forms, reply_forms
from summitdesk.directory.forms import DirectoryPersonForm
from tests.backoffice.test_directory_pages import (  # noqa: F401 (sample is a fixture)
    Sample,
    person_data,
    sample,
    state,
)
from tests.directory.test_validators import BAD_NAMES, JOINED_NAMES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_person_create_refuses_a_bad_name_and_saves_nothing(
    secretary_client: Client,
    sample: Sample,  # noqa: F811
    name: str,
    message: str,
) -> None:
    before = state()

    response = secretary_client.post(
        f"/organisations/{sample.organisation.pk}/people/new/", person_data(given_name=name)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"given_name": [message]}
    assert state() == before


def errors(form: forms.BaseForm) -> dict[str, Any]:
    form.is_valid()
    return dict(form.errors)


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_reply_and_substitute_forms_refuse_a_bad_name(name: str, message: str) -> None:
    person = {"family_name": name, "email": "a@example.org"}
    member = {"members-0-family_name": name}

    assert errors(reply_forms.StaffReplyPersonForm(person)) == {"family_name": [message]}
    assert errors(reply_forms.StaffReplyMemberForm(member, prefix="members-0")) == {
        "family_name": [message]
    }
    assert errors(accreditation_forms.SubstituteForm(person)) == {"family_name": [message]}
    assert errors(DirectoryPersonForm(person_data(family_name=name))) == {"family_name": [message]}
    identity = accreditation_forms.IdentityForm({"passport_family_name": name})
    assert errors(identity)["passport_family_name"] == [message]


def test_back_office_forms_keep_names_with_zero_width_joiners() -> None:
    person = {"given_name": JOINED_NAMES[1], "family_name": JOINED_NAMES[0]}

    assert errors(reply_forms.StaffReplyPersonForm(person)) == {}
    assert errors(accreditation_forms.SubstituteForm(person)) == {}
    assert errors(DirectoryPersonForm(person_data(**person))) == {}
