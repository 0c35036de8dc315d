"""Names sent to the API (people, replies' focal points and delegates): refused with the
portal's message, nothing changed; the OpenAPI document states the pattern enforced."""

from collections.abc import Callable

import pytest

from summitdesk.delegations import services
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.directory.models import Person
from summitdesk.directory.validators import MAX_LENGTH, NAME_PATTERN
from tests.accreditation.builders import meeting
from tests.api.conftest import ApiClient, error_fields
from tests.api.test_replies_api import attending, member
from tests.directory.test_validators import BAD_NAMES, JOINED_NAMES
from tests.factories import OrganisationFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for()


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_create_person_refuses_a_bad_name(writer: ApiClient, name: str, message: str) -> None:
    organisation = OrganisationFactory()

    response = writer.post(
        "/people", {"organisation": organisation.pk, "role": "focal_point", "family_name": name}
    )

    assert response.status_code == 422
    assert error_fields(response) == {"family_name": [message]}
    assert not Person.objects.exists()


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_update_person_refuses_a_bad_name(writer: ApiClient, name: str, message: str) -> None:
    person = PositionFactory(person__given_name="Awa").person

    response = writer.patch(f"/people/{person.pk}", {"given_name": name}, {"If-Match": "*"})

    assert response.status_code == 422
    assert error_fields(response) == {"given_name": [message]}
    person.refresh_from_db()
    assert person.given_name == "Awa"


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_reply_refuses_a_bad_delegate_or_focal_point_name(
    writer: ApiClient, name: str, message: str
) -> None:
    reply = services.reply_for(OrganisationFactory(), meeting())
    focal_point = {"family_name": name, "email": "fay@orange.example"}

    delegate = writer.put(
        f"/replies/{reply.pk}", attending([member("x", family_name=name)]), {"If-Match": "*"}
    )
    focal = writer.put(
        f"/replies/{reply.pk}",
        attending([member("Durand")], focal_point=focal_point),
        {"If-Match": "*"},
    )

    assert delegate.status_code == focal.status_code == 422
    assert error_fields(delegate) == {"delegates.0.family_name": [message]}
    assert error_fields(focal) == {"focal_point.family_name": [message]}
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED


def test_names_with_zero_width_joiners_are_accepted(writer: ApiClient) -> None:
    organisation = OrganisationFactory()

    response = writer.post(
        "/people",
        {
            "organisation": organisation.pk,
            "role": "focal_point",
            "given_name": JOINED_NAMES[1],
            "family_name": JOINED_NAMES[0],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["family_name"] == JOINED_NAMES[0]


def test_openapi_states_the_name_rules(writer: ApiClient) -> None:
    schemas = writer.get("/openapi.json").json()["components"]["schemas"]

    for schema, field in [("PersonIn", "family_name"), ("ReplyDelegateIn", "family_name")]:
        stated = schemas[schema]["properties"][field]
        assert (stated["pattern"], stated["maxLength"]) == (NAME_PATTERN, MAX_LENGTH[field])
