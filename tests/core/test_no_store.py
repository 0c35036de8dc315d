"""Staff HTML pages are never stored: one middleware sets `Cache-Control: no-store`."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from summitdesk.core.middleware import PUBLIC_PAGES
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _meeting() -> Meeting:
    meeting: Meeting = MeetingFactory(code="geneva-2003", public_statistics=True)
    return meeting


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/organisations/",
        "/meetings/geneva-2003/list-of-participants/",
        "/reports/",
        "/exports/",
        "/no-such-page/",
    ],
)
def test_staff_page_carries_no_store(secretary_client: Client, path: str) -> None:
    _meeting()

    response = secretary_client.get(path)

    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"].split(", ")


def test_sign_in_page_carries_no_store() -> None:
    response = Client().get("/sign-in/")

    assert "no-store" in response["Cache-Control"].split(", ")


def test_public_statistics_keep_their_own_caching(secretary_client: Client) -> None:
    _meeting()

    response = Client().get("/meetings/geneva-2003/statistics/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"


def test_public_pages_named_exist() -> None:
    # A page renamed would silently fall under no-store: the names must stay real.
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    assert PUBLIC_PAGES - names == set()
