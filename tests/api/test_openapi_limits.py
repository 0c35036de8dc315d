"""The OpenAPI document states the limits the API enforces, from the same sources: the
models' lengths, the enums, the country table, the webhook rules."""

from collections.abc import Callable
from typing import Any

import pytest
from django import forms

from summitdesk.delegations.models import Delegate
from summitdesk.directory.enums import Category, PositionRole
from summitdesk.directory.forms import OrganisationForm
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.directory.validators import (
    LINE_PATTERN,
    MAX_LENGTH,
    NAME_PATTERN,
    ORGANISATION_MAX_LENGTH,
    VALIDATORS,
    validate_line,
    validate_name,
)
from summitdesk.lib.countries import COUNTRIES
from summitdesk.webhooks import services as webhooks
from summitdesk.webhooks.enums import Event
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def schemas(api_for: Callable[..., ApiClient]) -> dict[str, Any]:
    document: dict[str, Any] = api_for().get("/openapi.json").json()
    return document["components"]["schemas"]


def test_organisation_body_states_lengths_and_choices(schemas: dict[str, Any]) -> None:
    fields = schemas["OrganisationIn"]["properties"]

    assert (fields["name"]["maxLength"], fields["name"]["pattern"]) == (300, "\\S")
    assert fields["category"]["enum"] == Category.values
    assert fields["country"]["enum"] == sorted(COUNTRIES)
    assert fields["status"]["enum"] == ["active", "inactive"]
    assert schemas["OrganisationPatch"]["properties"]["country"]["enum"] == sorted(COUNTRIES)


def test_person_body_states_role_and_nationality(schemas: dict[str, Any]) -> None:
    fields = schemas["PersonIn"]["properties"]

    assert fields["role"]["enum"] == PositionRole.values
    assert fields["nationality"]["enum"] == ["", *sorted(COUNTRIES)]
    assert fields["email"]["maxLength"] == 254


def test_webhook_subscription_body_states_the_service_rules(schemas: dict[str, Any]) -> None:
    fields = schemas["SubscriptionIn"]["properties"]

    assert fields["name"] == {
        "maxLength": webhooks.NAME_MAX_LENGTH,
        "pattern": LINE_PATTERN,
        "title": "Name",
        "type": "string",
    }
    assert fields["target_url"]["maxLength"] == webhooks.URL_MAX_LENGTH
    assert fields["events"]["items"]["enum"] == Event.values


# Every field, against the shared limits (directory/validators.py) and the models

PERSON_BODIES = ("PersonIn", "PersonPatch", "FocalPointIn", "ReplyDelegateIn")
ORGANISATION_BODIES = ("OrganisationIn", "OrganisationPatch")
#: Fields that hold no text of a person: a number, a choice, a flag.
NOT_TEXT = {
    "organisation",
    "role",
    "gender",
    "consent_to_publish",
    "is_head",
    "relationship",
    "protocol_level",
    "online",
    "participant_type",
}
RULE_PATTERNS = {validate_name: NAME_PATTERN, validate_line: LINE_PATTERN}


def _stated(field: dict[str, Any], key: str) -> Any:
    """`key` as the field states it: on the field, or on its string alternative (the
    schema of an optional field is `anyOf: [{string...}, {null}]`)."""
    if key in field:
        return field[key]
    for option in field.get("anyOf", []):
        if option.get("type") == "string" and key in option:
            return option[key]
    return None


def _column_length(model: Any, name: str) -> int | None:
    length: int | None = getattr(model._meta.get_field(name), "max_length", None)
    return length


def test_every_person_field_states_the_shared_length_and_rule(schemas: dict[str, Any]) -> None:
    for body in PERSON_BODIES:
        for name, field in schemas[body]["properties"].items():
            where = f"{body}.{name}"
            if name in NOT_TEXT:
                continue
            assert name in MAX_LENGTH, f"{where} has no shared limit"
            enum = _stated(field, "enum")
            if enum is not None:
                assert max(map(len, enum)) <= MAX_LENGTH[name], where
            else:
                assert _stated(field, "maxLength") == MAX_LENGTH[name], where
            rule = VALIDATORS.get(name)
            if rule is not None:
                assert _stated(field, "pattern") == RULE_PATTERNS[rule], where


def test_shared_person_limits_are_the_columns_that_store_them() -> None:
    for name, limit in MAX_LENGTH.items():
        model = {"function": Position, "affiliation": Delegate}.get(name, Person)
        assert _column_length(model, name) == limit, name
    for name in ("title", "given_name", "family_name", "function", "email", "nationality"):
        assert _column_length(Delegate, name) == MAX_LENGTH[name], name


def test_every_organisation_field_states_the_model_length_or_choices(
    schemas: dict[str, Any],
) -> None:
    form = OrganisationForm()
    for body in ORGANISATION_BODIES:
        for name, field in schemas[body]["properties"].items():
            where = f"{body}.{name}"
            if name in ORGANISATION_MAX_LENGTH:
                limit = ORGANISATION_MAX_LENGTH[name]
                assert _stated(field, "maxLength") == limit, where
                assert _column_length(Organisation, name) == limit, where
                assert getattr(form.fields[name], "max_length", None) == limit, where
            elif name == "sectors":
                assert field["items"]["enum"] == ["ITU-R", "ITU-T", "ITU-D"]
            elif name == "address":
                # A text column without a length: the form takes any length.
                assert _stated(field, "maxLength") is None
                assert _column_length(Organisation, name) is None
            else:
                chosen = form.fields[name]
                assert isinstance(chosen, forms.ChoiceField), where
                choices = [value for value, _label in list(chosen.choices) if value]  # type: ignore[arg-type]
                assert sorted(_stated(field, "enum")) == sorted(choices), where


def test_person_and_delegate_limits_as_stated(schemas: dict[str, Any]) -> None:
    person = schemas["PersonIn"]["properties"]
    delegate = schemas["ReplyDelegateIn"]["properties"]
    focal_point = schemas["FocalPointIn"]["properties"]
    patch = schemas["PersonPatch"]["properties"]

    assert [person[name]["maxLength"] for name in ("title", "given_name", "function")] == [
        50,
        150,
        200,
    ]
    assert (person["phone"]["maxLength"], person["phone"]["pattern"]) == (50, LINE_PATTERN)
    assert _stated(patch["fax"], "maxLength") == 50
    assert (delegate["email"]["maxLength"], delegate["nationality"]["maxLength"]) == (254, 2)
    assert delegate["email"]["anyOf"] == [{"format": "email"}, {"maxLength": 0}]
    assert delegate["family_name"]["allOf"] == [{"pattern": "\\S"}]
    assert delegate["nationality"]["pattern"].startswith("^(?:[Aa][Dd]|[Aa][Ee]|")
    assert focal_point["family_name"]["maxLength"] == 150
    assert schemas["OrganisationIn"]["properties"]["external_id"]["maxLength"] == 64
    assert schemas["OrganisationPatch"]["properties"]["website"]["maxLength"] == 200
