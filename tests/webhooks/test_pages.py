"""Back-office pages of the webhooks: administrators only; the secret is shown once."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.webhooks import services, urls
from summitdesk.webhooks.enums import DeliveryStatus, Event
from summitdesk.webhooks.models import Delivery, Subscription
from tests.confirm import CONFIRMED, confirmation
from tests.conftest import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN = Actor.system("admin", Channel.BACKOFFICE)

Kwargs = Callable[[Delivery], dict[str, Any]]

READ_PAGES: list[tuple[str, Kwargs]] = [
    ("webhooks:subscription-list", lambda d: {}),
    ("webhooks:subscription-create", lambda d: {}),
    ("webhooks:subscription-deliveries", lambda d: {"pk": d.subscription_id}),
    ("webhooks:subscription-edit", lambda d: {"pk": d.subscription_id}),
]
ACTIONS: list[tuple[str, Kwargs]] = [
    ("webhooks:subscription-deactivate", lambda d: {"pk": d.subscription_id}),
    ("webhooks:subscription-test", lambda d: {"pk": d.subscription_id}),
    (
        "webhooks:delivery-send-again",
        lambda d: {"pk": d.subscription_id, "delivery_pk": d.pk},
    ),
]
URL_NAMES = {name.removeprefix("webhooks:") for name, _ in READ_PAGES + ACTIONS}


@pytest.fixture
def failed() -> Delivery:
    subscription = services.create_subscription(
        name="Security service",
        target_url="https://security.example.org/hooks",
        events=[Event.ACCREDITATION_APPROVED],
        actor=ADMIN,
    )
    return Delivery.objects.create(
        subscription=subscription,
        event=Event.ACCREDITATION_APPROVED,
        idempotency_key="evt-1-sub-1",
        payload={"id": "evt-1-sub-1"},
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error="connection failed",
    )


def test_every_webhooks_url_is_covered_by_a_permission_test() -> None:
    names = {p.name for p in urls.urlpatterns if isinstance(p, URLPattern)}

    assert names == URL_NAMES


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, failed: Delivery, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(failed))

    response = client.post(url) if (name, kwargs) in ACTIONS else client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize("role", ["viewer", "registration_officer", "communications"])
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + ACTIONS)
def test_pages_are_refused_to_other_staff(
    failed: Delivery, role: str, name: str, kwargs: Kwargs
) -> None:
    client = signed_in(UserFactory(username=role, role=role))
    url = reverse(name, kwargs=kwargs(failed))
    entries = AuditEntry.objects.count()

    response = client.post(url) if (name, kwargs) in ACTIONS else client.get(url)

    assert response.status_code == 403
    assert AuditEntry.objects.count() == entries
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_pages_open_to_administrators(
    admin_client: Client, failed: Delivery, name: str, kwargs: Kwargs
) -> None:
    response = admin_client.get(reverse(name, kwargs=kwargs(failed)))

    assert response.status_code == 200


def test_nav_links_to_webhooks_for_administrators_only(
    admin_client: Client, viewer_client: Client
) -> None:
    link = reverse("webhooks:subscription-list")

    assert link in admin_client.get(reverse("backoffice:home")).content.decode()
    assert link not in viewer_client.get(reverse("backoffice:home")).content.decode()


def test_creating_shows_the_secret_once(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("webhooks:subscription-create"),
        {
            "name": "Security service",
            "target_url": "https://security.example.org/hooks",
            "events": ["accreditation.approved", "accreditation.revoked"],
        },
    )

    subscription = Subscription.objects.get()
    assert response.status_code == 200
    assert subscription.secret in response.content.decode()
    assert subscription.events == ["accreditation.approved", "accreditation.revoked"]
    assert subscription.created_by is not None
    assert AuditEntry.objects.filter(action="summitdesk.webhook.subscribed").count() == 1
    page = admin_client.get(reverse("webhooks:subscription-deliveries", args=[subscription.pk]))
    assert subscription.secret not in page.content.decode()
    assert subscription.secret_hint in page.content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://security.example.org/hooks", "Give an http:// or https:// address."),
        ("security.example.org", "Give an http:// or https:// address."),
    ],
)
def test_creating_refuses_other_addresses(admin_client: Client, url: str, message: str) -> None:
    response = admin_client.post(
        reverse("webhooks:subscription-create"),
        {"name": "Security", "target_url": url, "events": ["accreditation.approved"]},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Subscription.objects.count() == 0


def test_creating_needs_an_event(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("webhooks:subscription-create"),
        {"name": "Security", "target_url": "https://security.example.org/hooks"},
    )

    assert "This field is required." in response.content.decode()
    assert Subscription.objects.count() == 0


def test_editing_and_deactivating(admin_client: Client, failed: Delivery) -> None:
    pk = failed.subscription_id
    admin_client.post(
        reverse("webhooks:subscription-edit", args=[pk]),
        {
            "name": "Security desk",
            "target_url": "https://security.example.org/v2",
            "events": ["accreditation.revoked"],
            "active": "on",
        },
    )
    subscription = Subscription.objects.get()
    assert (subscription.name, subscription.target_url, subscription.events) == (
        "Security desk",
        "https://security.example.org/v2",
        ["accreditation.revoked"],
    )

    url = reverse("webhooks:subscription-deactivate", args=[pk])
    assert confirmation(admin_client.post(url)) == (
        "Deactivate the webhook subscription Security desk?",
        "It receives no new events; what is already waiting is still delivered.",
        "Deactivate the subscription",
    )
    subscription.refresh_from_db()
    assert subscription.active is True
    admin_client.post(url, CONFIRMED)

    subscription.refresh_from_db()
    assert subscription.active is False
    assert list(
        AuditEntry.objects.filter(object_type="webhooks.subscription")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "summitdesk.webhook.subscribed",
        "summitdesk.webhook.changed",
        "summitdesk.webhook.changed",
    ]


def test_delivery_log_shows_the_error_and_sends_again(
    admin_client: Client, failed: Delivery
) -> None:
    log = reverse("webhooks:subscription-deliveries", args=[failed.subscription_id])
    page = admin_client.get(log).content.decode()
    assert "connection failed" in page
    assert "Send again" in page

    response = admin_client.post(
        reverse("webhooks:delivery-send-again", args=[failed.subscription_id, failed.pk]),
        follow=True,
    )

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)
    assert "The delivery will be sent again." in response.content.decode()
    again = admin_client.post(
        reverse("webhooks:delivery-send-again", args=[failed.subscription_id, failed.pk]),
        follow=True,
    )
    assert "Only a failed delivery can be sent again." in again.content.decode()


def test_a_delivery_of_another_subscription_is_not_found(
    admin_client: Client, failed: Delivery
) -> None:
    other = services.create_subscription(
        name="Other",
        target_url="https://other.example.org/",
        events=["reply.submitted"],
        actor=ADMIN,
    )

    response = admin_client.post(
        reverse("webhooks:delivery-send-again", args=[other.pk, failed.pk])
    )

    assert response.status_code == 404
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_send_test_event_queues_a_delivery(admin_client: Client, failed: Delivery) -> None:
    admin_client.post(reverse("webhooks:subscription-test", args=[failed.subscription_id]))

    assert Delivery.objects.filter(event="webhook.test", status="pending").count() == 1
