"""/api/v1/webhooks: subscriptions and their delivery log, with the scope webhooks:manage."""

import pytest

from summitdesk.core.models import AuditEntry
from summitdesk.webhooks.models import Delivery, Subscription
from tests.api.conftest import ApiClient, error_fields, make_token

pytestmark = pytest.mark.django_db

MANAGE = "webhooks:manage"
NEW = {
    "name": "Security service",
    "target_url": "https://security.example.org/hooks",
    "events": ["accreditation.revoked", "accreditation.approved"],
}


@pytest.fixture
def api() -> ApiClient:
    return ApiClient(make_token(MANAGE, name="security"))


def test_create_shows_the_secret_once_then_lists_without_it(api: ApiClient) -> None:
    created = api.post("/webhooks/subscriptions", NEW)

    assert created.status_code == 201
    body = created.json()
    subscription = Subscription.objects.get()
    assert body["secret"] == subscription.secret
    assert body["events"] == ["accreditation.approved", "accreditation.revoked"]
    assert AuditEntry.objects.get(action="summitdesk.webhook.subscribed").channel == "api"
    [listed] = api.walk("/webhooks/subscriptions")
    assert "secret" not in listed
    assert listed["secret_hint"] == subscription.secret_hint
    assert subscription.secret not in str(listed)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_url": "ftp://security.example.org/"}, "target_url"),
        ({"target_url": "file:///etc/passwd"}, "target_url"),
        ({"events": ["badge.printed"]}, "events"),
        ({"events": []}, "events"),
    ],
)
def test_create_refuses_bad_input(api: ApiClient, change: dict[str, object], field: str) -> None:
    response = api.post("/webhooks/subscriptions", NEW | change)

    assert response.status_code == 422
    assert field in error_fields(response)
    assert Subscription.objects.count() == 0


def test_deactivate_and_delivery_log(api: ApiClient) -> None:
    pk = api.post("/webhooks/subscriptions", NEW).json()["id"]
    Delivery.objects.create(
        subscription_id=pk,
        event="accreditation.approved",
        idempotency_key="evt-1-sub-1",
        payload={"id": "evt-1-sub-1"},
        status="failed",
        attempts=6,
        last_error="timeout",
    )

    response = api.post(f"/webhooks/subscriptions/{pk}/deactivate")
    assert (response.status_code, response.json()["active"]) == (200, False)

    [delivery] = api.walk(f"/webhooks/subscriptions/{pk}/deliveries?status=failed")
    assert (delivery["idempotency_key"], delivery["attempts"]) == ("evt-1-sub-1", 6)
    assert delivery["last_error"] == "timeout"
    assert "last_response" not in delivery
    assert api.walk(f"/webhooks/subscriptions/{pk}/deliveries?status=delivered") == []
    bad = api.get(f"/webhooks/subscriptions/{pk}/deliveries?status=lost")
    assert bad.status_code == 422
    assert api.get("/webhooks/subscriptions/999/deliveries").status_code == 404


def test_other_scopes_are_refused() -> None:
    reader = ApiClient(make_token("accreditations:read", "accreditations:write"))
    anonymous = ApiClient(None)

    for client, status in ((reader, 403), (anonymous, 401)):
        assert client.get("/webhooks/subscriptions").status_code == status
        assert client.post("/webhooks/subscriptions", NEW).status_code == status
    assert error_fields(reader.get("/webhooks/subscriptions")) == {"scope": [MANAGE]}
    assert Subscription.objects.count() == 0
