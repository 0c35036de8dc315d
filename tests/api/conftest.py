"""Shared by the API tests: tokens with chosen scopes, and a client that sends them."""

import datetime
import json
from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from summitdesk.api import tokens
from summitdesk.api.models import ApiScope
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence.models import Circular
from summitdesk.meetings.models import Meeting

PREFIX = "/api/v1"
ADMINISTRATOR = Actor.system("administrator", Channel.CLI)
EVERY_SCOPE = tuple(ApiScope.values)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
else:
    Response = Any

_numbers = count(1)


def make_token(*scopes: str, name: str = "") -> str:
    """A new token holding `scopes` (every scope when none is given); its plaintext."""
    created = tokens.create_token(
        name or f"integrator-{next(_numbers)}", scopes or EVERY_SCOPE, actor=ADMINISTRATOR
    )
    return created.plaintext


class ApiClient:
    """Django's test client speaking JSON to /api/v1 with a token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.client = Client()

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Response:
        sent = dict(headers or {})
        if self.token is not None:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        call = getattr(self.client, method.lower())
        url = path if path.startswith(PREFIX) else f"{PREFIX}{path}"
        if body is None:
            response: Response = call(url, headers=sent)
        else:
            response = call(
                url, data=json.dumps(body), content_type="application/json", headers=sent
            )
        return response

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Response:
        return self.request("POST", path, {} if body is None else body, headers)

    def put(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Response:
        return self.request("PUT", path, body, headers)

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Response:
        return self.request("PATCH", path, body, headers)

    def walk(self, path: str) -> list[dict[str, Any]]:
        """Every item of a paged list, following next_cursor."""
        items: list[dict[str, Any]] = []
        separator = "&" if "?" in path else "?"
        url = path
        while True:
            response = self.get(url)
            assert response.status_code == 200, response.content
            page = response.json()
            items.extend(page["items"])
            if not page["next_cursor"]:
                return items
            url = f"{path}{separator}cursor={page['next_cursor']}"


def error_fields(response: Response) -> dict[str, list[str]]:
    """The common error body's field messages, by field."""
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert body["detail"]
    found: dict[str, list[str]] = {}
    for item in body["errors"]:
        found.setdefault(item["field"], []).append(item["message"])
    return found


@pytest.fixture
def token_for(db: None) -> Callable[..., str]:
    """`token_for("accreditations:read")`: a new token with those scopes (none: all)."""
    return make_token


@pytest.fixture
def api_for(db: None) -> Callable[..., ApiClient]:
    """`api_for("replies:read")`: a client holding a new token with those scopes."""

    def make(*scopes: str) -> ApiClient:
        return ApiClient(make_token(*scopes))

    return make


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


def circular(at: Meeting, reference: str, *, deadline: datetime.datetime | None = None) -> Circular:
    return Circular.objects.create(
        reference=reference,
        date=datetime.date.today(),
        meeting=at,
        addressees="CEOs of ITU Sector Members",
        signatory_name="The Secretary-General",
        signatory_titles="Secretary-General",
        reply_deadline=deadline,
    )
