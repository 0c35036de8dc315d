"""The OpenAPI document states the limits the API enforces, from the same sources: the
models' lengths, the enums, the country table, the webhook rules."""

from collections.abc import Callable
from typing import Any

import pytest

from summitdesk.directory.enums import Category, PositionRole
from summitdesk.directory.validators import LINE_PATTERN
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
