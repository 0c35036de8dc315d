"""What every operation shares: tokens and scopes, the error body, cursors, ETags, the
rate limit, the OpenAPI document and its readable page."""

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings

from summitdesk.api import docs
from summitdesk.api.common import etag_of, make_cursor
from tests.api.conftest import ApiClient, error_fields, make_token
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ApiFor = Callable[..., ApiClient]


def test_openapi_document_is_public_and_names_each_operations_scope(anonymous: ApiClient) -> None:
    response = anonymous.get("/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "SummitDesk API"
    paths = document["paths"]
    for path in (
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/organisations/changes",
        "/api/v1/people",
        "/api/v1/meetings",
        "/api/v1/circulars/{circular_id}/dispatch",
        "/api/v1/circulars/{circular_id}/status",
    ):
        assert path in paths
    assert (
        "Required scope: `directory:write`" in paths["/api/v1/organisations"]["post"]["description"]
    )
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_docs_page_lists_operations_with_scopes_and_no_script(anonymous: ApiClient) -> None:
    response = anonymous.client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<script" not in page
    assert "PATCH /api/v1/organisations/{organisation_id}" in page
    assert "<code>circulars:write</code>" in page
    assert 'id="schema-OrganisationOut"' in page
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_docs_page_gives_examples_allowed_values_and_a_contents_of_schemas(
    anonymous: ApiClient,
) -> None:
    page = html.unescape(anonymous.client.get("/api/v1/docs").content.decode())

    assert '<li><a href="#schema-OrganisationOut">OrganisationOut</a></li>' in page
    assert '<th scope="col">Allowed values</th>' in page
    assert "GET /api/v1/organisations HTTP/1.1\nAuthorization: Bearer <token></code>" in page
    assert 'HTTP/1.1 200 OK\n\n{\n  "items": [' in page
    assert "<td>default 100</td>" in page


DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Status": {"type": "string", "enum": ["pending", "approved"]},
            "Item": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 40},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "seats": {"type": "integer", "minimum": 1, "maximum": 50},
                    "when": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
                    "named": {"type": "string", "examples": ["Acme Telecom"]},
                },
            },
        }
    }
}


def test_docs_read_allowed_values_and_examples_from_the_schema() -> None:
    item = DOCUMENT["components"]["schemas"]["Item"]["properties"]

    assert [docs.allowed(item[name], DOCUMENT) for name in item] == [
        ["maxLength 40", 'pattern "^[a-z0-9-]+$"'],
        ['one of "pending", "approved"'],
        ["minimum 1", "maximum 50"],
        ["may be null"],
        [],
    ]
    assert docs.example({"$ref": "#/components/schemas/Item"}, DOCUMENT) == {
        "code": "string",
        "status": "pending",
        "seats": 1,
        "when": "2026-05-04",
        "named": "Acme Telecom",
    }


def test_docs_example_request_fills_the_path_and_the_body() -> None:
    operation = {
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "seats",
                "in": "query",
                "required": True,
                "schema": {"minimum": 2, "type": "integer"},
            },
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer"}},
        ],
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}
        },
        "responses": {"204": {"description": "No Content"}},
    }

    assert docs.example_request("put", "/api/v1/meetings/{code}", operation, DOCUMENT) == (
        "PUT /api/v1/meetings/string?seats=2 HTTP/1.1\n"
        "Authorization: Bearer <token>\n"
        "Content-Type: application/json\n"
        "\n"
        '"pending"'
    )
    assert docs.example_response(operation, DOCUMENT) == "HTTP/1.1 204 No Content"


def test_no_token_is_refused_with_the_common_body(anonymous: ApiClient) -> None:
    response = anonymous.get("/organisations")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_fields(response) == {}
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer sd_0000_nothing", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer"]
)
def test_a_token_that_is_not_ours_is_refused(db: None, header: str) -> None:
    response = ApiClient(None).get("/organisations", headers={"Authorization": header})

    assert response.status_code == 401


def test_a_token_without_the_scope_is_refused_naming_it(api_for: ApiFor) -> None:
    api = api_for("meetings:read")

    response = api.get("/organisations")

    assert response.status_code == 403
    assert error_fields(response) == {"scope": ["directory:read"]}
    assert "directory:read" in response.json()["detail"]


def test_unknown_id_is_404_with_the_common_body(api_for: ApiFor) -> None:
    response = api_for("directory:read").get("/organisations/999999")

    assert response.status_code == 404
    assert error_fields(response) == {}


@pytest.mark.parametrize(
    "cursor",
    ["garbage", make_cursor(5)[:-2] + "xx", "eyJhZnRlciI6IDV9:abc:def"],
    # The signed cursor carries a timestamp: named ids keep xdist workers' collections equal.
    ids=["garbage", "tampered-signature", "unsigned"],
)
def test_a_cursor_the_api_did_not_give_is_400(api_for: ApiFor, cursor: str) -> None:
    response = api_for("directory:read").get(f"/organisations?cursor={cursor}")

    assert response.status_code == 400
    assert "cursor" in error_fields(response)


@pytest.mark.parametrize("limit", [0, 501, -3])
def test_limit_out_of_range_is_422_on_the_field(api_for: ApiFor, limit: int) -> None:
    response = api_for("directory:read").get(f"/organisations?limit={limit}")

    assert response.status_code == 422
    assert "limit" in error_fields(response)


def test_query_of_the_wrong_type_is_422_on_the_field(api_for: ApiFor) -> None:
    response = api_for("directory:read").get("/organisations?limit=many")

    assert response.status_code == 422
    assert list(error_fields(response)) == ["limit"]


def test_body_that_is_not_json_shaped_right_is_422_per_field(api_for: ApiFor) -> None:
    response = api_for("directory:write").post("/organisations", {"name": ["a list"]})

    assert response.status_code == 422
    fields = error_fields(response)
    assert {"name", "category", "stakeholder_group", "country"} <= set(fields)


def test_pagination_walks_every_row_exactly_once(api_for: ApiFor) -> None:
    created = {OrganisationFactory().pk for _ in range(11)}
    api = api_for("directory:read")

    first = api.get("/organisations?limit=4").json()
    items = api.walk("/organisations?limit=4")

    assert len(first["items"]) == 4 and first["next_cursor"]
    assert [item["id"] for item in items] == sorted(created)


def test_rows_added_during_a_walk_do_not_repeat_or_hide_others(api_for: ApiFor) -> None:
    before = [OrganisationFactory().pk for _ in range(5)]
    api = api_for("directory:read")
    page = api.get("/organisations?limit=3").json()
    added = OrganisationFactory().pk

    rest = api.get(f"/organisations?limit=10&cursor={page['next_cursor']}").json()

    seen = [item["id"] for item in page["items"] + rest["items"]]
    assert seen == [*before, added]
    assert rest["next_cursor"] is None


def test_reads_carry_an_etag_and_answer_304_when_unchanged(api_for: ApiFor) -> None:
    organisation = OrganisationFactory()
    api = api_for("directory:read")

    response = api.get(f"/organisations/{organisation.pk}")
    again = api.get(f"/organisations/{organisation.pk}", {"If-None-Match": response["ETag"]})
    other = api.get(f"/organisations/{organisation.pk}", {"If-None-Match": '"stale"'})

    assert response.status_code == 200
    assert response["ETag"] == etag_of(response.json())
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == response["ETag"]
    assert other.status_code == 200


def test_each_token_has_its_own_rate_limit(db: None, settings: Settings) -> None:
    settings.SUMMITDESK_API_RATE_LIMIT = 3
    busy, other = ApiClient(make_token("directory:read")), ApiClient(make_token("directory:read"))

    answers = [busy.get("/organisations").status_code for _ in range(4)]
    refused = busy.get("/organisations")

    assert answers == [200, 200, 200, 429]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "try again" in refused.json()["detail"]
    assert other.get("/organisations").status_code == 200


def test_writes_with_a_token_need_no_csrf_cookie(db: None) -> None:
    api = ApiClient(make_token("directory:write"))
    api.client = Client(enforce_csrf_checks=True)

    response = api.post(
        "/organisations",
        {
            "name": "X",
            "category": "academia",
            "stakeholder_group": "civil_society",
            "country": "CH",
        },
    )

    assert response.status_code == 201


def test_an_address_guessing_tokens_must_wait(db: None) -> None:
    guesser = ApiClient("sd_00000000_guess")
    honest = ApiClient(make_token("directory:read"))

    answers = {guesser.get("/organisations").status_code for _ in range(30)}
    refused = guesser.get("/organisations")

    assert answers == {401}
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "unknown tokens" in refused.json()["detail"]
    assert honest.get("/organisations").status_code == 200
