"""Webhook subscriptions and their delivery log, for integrators (scope webhooks:manage)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    WRITE_ERRORS,
    Id,
    Page,
    actor,
    error,
    paginate,
    scope,
    stated,
)
from summitdesk.directory.validators import LINE_PATTERN
from summitdesk.webhooks import services
from summitdesk.webhooks.enums import DeliveryStatus, Event
from summitdesk.webhooks.models import Delivery, Subscription

router = Router(tags=["webhooks"])

MANAGE = "webhooks:manage"


class SubscriptionOut(Schema):
    id: int
    name: str
    target_url: str
    events: list[str]
    active: bool
    secret_hint: str
    created_at: datetime


class NewSubscriptionOut(SubscriptionOut):
    secret: str


class SubscriptionIn(Schema):
    # What services.check_name, check_url and check_events accept.
    name: str = stated(maxLength=services.NAME_MAX_LENGTH, pattern=LINE_PATTERN)
    target_url: str = stated(
        maxLength=services.URL_MAX_LENGTH, format="uri", pattern="^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]"
    )
    events: list[str] = stated(items={"type": "string", "enum": Event.values})


class DeliveryOut(Schema):
    id: int
    subscription: int
    event: str
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]


def subscription_data(subscription: Subscription) -> dict[str, Any]:
    return SubscriptionOut(
        id=subscription.pk,
        name=subscription.name,
        target_url=subscription.target_url,
        events=subscription.events,
        active=subscription.active,
        secret_hint=subscription.secret_hint,
        created_at=subscription.created_at,
    ).model_dump(mode="json")


def delivery_data(delivery: Delivery) -> dict[str, Any]:
    return DeliveryOut(
        id=delivery.pk,
        subscription=delivery.subscription_id,
        event=delivery.event,
        idempotency_key=delivery.idempotency_key,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
        payload=delivery.payload,
    ).model_dump(mode="json")


@router.get("/subscriptions", response={200: Page[SubscriptionOut], **ERRORS})
@scope(MANAGE)
def list_subscriptions(
    request: HttpRequest, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    """Every subscription, active or not, in id order; the secret is never shown again."""
    return paginate(
        Subscription.objects.all(), cursor=cursor, limit=limit, serialize=subscription_data
    )


@router.post("/subscriptions", response={201: NewSubscriptionOut, **WRITE_ERRORS})
@scope(MANAGE)
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status[dict[str, Any]]:
    """A new active subscription. The answer holds the signing `secret`, this once only.

    Events: reply.submitted, accreditation.approved, accreditation.rejected,
    accreditation.revoked, accreditation.checked_in, pickup.booked, pickup.collected. The
    address must be http(s), and not a loopback, private or link-local one (unless
    SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS lists it): 422 on `target_url` otherwise."""
    try:
        subscription = services.create_subscription(
            name=payload.name,
            target_url=payload.target_url,
            events=payload.events,
            actor=actor(request),
        )
    except services.WebhookError as refused:
        error(422, str(refused), {refused.field or "body": [str(refused)]})
    return Status(201, subscription_data(subscription) | {"secret": subscription.secret})


@router.post(
    "/subscriptions/{int:subscription_id}/deactivate",
    response={200: SubscriptionOut, **WRITE_ERRORS},
)
@scope(MANAGE)
def deactivate_subscription(request: HttpRequest, subscription_id: Id) -> dict[str, Any]:
    """Send no new event to this subscription (deliveries already made still go)."""
    subscription = get_object_or_404(Subscription, pk=subscription_id)
    return subscription_data(services.deactivate(subscription, actor=actor(request)))


@router.get(
    "/subscriptions/{int:subscription_id}/deliveries",
    response={200: Page[DeliveryOut], **ERRORS},
)
@scope(MANAGE)
def list_deliveries(
    request: HttpRequest,
    subscription_id: Id,
    status: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The delivery log of a subscription in id order; `status` pending, delivered or failed."""
    subscription = get_object_or_404(Subscription, pk=subscription_id)
    rows = subscription.deliveries.all()
    if status:
        if status not in DeliveryStatus.values:
            message = _("Unknown status: %(status)s.") % {"status": status}
            error(422, message, {"status": [", ".join(DeliveryStatus.values)]})
        rows = rows.filter(status=status)
    return paginate(rows, cursor=cursor, limit=limit, serialize=delivery_data)
