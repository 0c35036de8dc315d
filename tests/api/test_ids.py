"""Ids beyond what a 64-bit primary key holds: refused with the common error body (422),
never a server error; the OpenAPI document states the bounds."""

from collections.abc import Callable

import pytest

from summitdesk.accreditation.models import Accreditation
from summitdesk.lib.ids import MAX_ID
from tests.accreditation.builders import accreditations, meeting, members, submitted_reply
from tests.api.conftest import ApiClient, error_fields
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HUGE = 2**64


def test_api_filter_id_beyond_64_bits_is_refused(api_for: Callable[..., ApiClient]) -> None:
    response = api_for().get(f"/people?organisation={HUGE}")

    assert response.status_code == 422
    assert list(error_fields(response)) == ["organisation"]


def test_api_path_id_beyond_64_bits_is_refused(api_for: Callable[..., ApiClient]) -> None:
    response = api_for().get(f"/organisations/{HUGE}")

    assert response.status_code == 422
    assert list(error_fields(response)) == ["organisation_id"]


def test_api_change_feed_since_beyond_64_bits_is_refused(
    api_for: Callable[..., ApiClient],
) -> None:
    response = api_for().get(f"/people/changes?since={HUGE}")

    assert response.status_code == 422
    assert list(error_fields(response)) == ["since"]


def test_api_bulk_approve_id_beyond_64_bits_is_refused_and_approves_nothing(
    api_for: Callable[..., ApiClient],
) -> None:
    orange = OrganisationFactory(name="Orange")
    [pending] = accreditations(submitted_reply(orange, meeting(), members(1)))

    response = api_for().post("/accreditations/approve", {"ids": [pending.pk, HUGE]})

    assert response.status_code == 422
    assert list(error_fields(response)) == ["ids.1"]
    assert Accreditation.objects.get().status == pending.status


def test_openapi_states_the_bounds_of_ids(api_for: Callable[..., ApiClient]) -> None:
    document = api_for().get("/openapi.json").json()

    parameters = document["paths"]["/api/v1/organisations/{organisation_id}"]["get"]["parameters"]
    [identifier] = [p for p in parameters if p["name"] == "organisation_id"]
    assert (identifier["schema"]["minimum"], identifier["schema"]["maximum"]) == (1, MAX_ID)
