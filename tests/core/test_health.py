"""`/health/`, the load balancer's check: 200 when the database and the cache answer,
503 when either does not; no session, no cookie, no secret, not rate limited."""

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_answers_200_when_database_and_cache_answer() -> None:
    response = Client().get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert reverse("health") == "/health/"


def test_health_answers_503_when_the_database_is_unreachable() -> None:
    broken = mock.MagicMock()
    broken.__enter__.return_value.execute.side_effect = OperationalError(
        'connection to server at "db.internal" failed: password authentication failed'
    )
    with mock.patch.object(connection, "cursor", return_value=broken):
        response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}
    assert b"db.internal" not in response.content and b"password" not in response.content


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: the connection is refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_health_answers_503_when_the_cache_is_unreachable() -> None:
    response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}
    assert b"6379" not in response.content and b"redis" not in response.content


def test_health_opens_no_session_and_sets_no_cookie() -> None:
    response = Client().get("/health/")

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert Session.objects.count() == 0


@override_settings(SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE=5, SUMMITDESK_SIGNIN_ADDRESS_ATTEMPTS=5)
def test_health_is_not_rate_limited_for_a_load_balancer_asking_every_second() -> None:
    client = Client(REMOTE_ADDR="10.0.0.9")

    statuses = {client.get("/health/").status_code for _ in range(30)}

    assert statuses == {200}


def test_health_refuses_a_post() -> None:
    assert Client().post("/health/").status_code == 405
