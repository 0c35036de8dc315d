"""Webhooks: subscriptions, the fan-out of audit entries into deliveries, and sending them.

Events come from the audit trail, which every service writes inside its own transaction:
nothing here touches the services. `fan_out` numbers the committed entries
(core.changes.assign_sequences), reads those after the cursor whose action makes an event,
creates one Delivery per matching active subscription and moves the cursor, all in one
transaction: a crash repeats nothing and loses nothing, and the unique idempotency key
(subscription, audit entry) makes a second fan-out of the same entries a no-op.

Sending (`attempt`) is at least once: a delivery is leased to one task at a time (a
token), sent with http.client to a permitted address only (outbound.py; no redirect
followed, 5 s per read, SUMMITDESK_WEBHOOK_DEADLINE in all), and on failure retried
after BACKOFF; `sweep` hands out again what is due, including what a killed worker held
when its lease ran out, so a receiver may see an event twice and must use the key.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.changes import assign_sequences, latest_sequence
from summitdesk.core.models import AuditEntry
from summitdesk.delegations.models import JoinRequest, Reply
from summitdesk.onsite.models import PickupBooking
from summitdesk.venue.models import Passage
from summitdesk.webhooks import outbound, signals, tasks
from summitdesk.webhooks.enums import EVENT_OF, TEST_EVENT, DeliveryStatus, Event
from summitdesk.webhooks.models import Delivery, FanOutCursor, Subscription

#: The wait after each failed attempt; after the last, the delivery has failed.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 5.0
#: How long a task owns a delivery: it is handed out again after that (worker killed).
LEASE = datetime.timedelta(minutes=2)
#: Audit sequences read per transaction of the fan-out.
WINDOW = 2000
USER_AGENT = "SummitDesk-Webhooks/1"
URL_MAX_LENGTH = 500
#: How long the delivery log keeps finished deliveries.
KEEP_DAYS = 90
NAME_MAX_LENGTH = 100
SIGNED_FIELDS = ("name", "target_url", "events", "active")


class WebhookError(Exception):
    """A change refused, with a message for the person who asked for it (and the field
    at fault, when there is one)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# Subscriptions


def check_url(url: str) -> str:
    """`url` if it is an absolute http(s) address, else WebhookError saying why."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        valid = False
    if not valid or not url.isprintable():
        raise WebhookError(_("Give an http:// or https:// address."), "target_url")
    if len(url) > URL_MAX_LENGTH:
        raise WebhookError(
            _("The address is too long: %(max)d characters at most.") % {"max": URL_MAX_LENGTH},
            "target_url",
        )
    return url


def check_target(url: str) -> str:
    """`url` if check_url takes it and its host is not inside the installation's network
    (as far as it resolves now: every connection checks again), else WebhookError."""
    url = check_url(url)
    host = urlsplit(url).hostname or ""
    address = outbound.refusal(host)
    if address is not None:
        raise WebhookError(
            _(
                "%(host)s is a private or local address (%(address)s): webhooks are not sent "
                "inside the installation's network unless the administrator of the "
                "installation lists it in SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS."
            )
            % {"host": host, "address": address},
            "target_url",
        )
    return url


def check_name(name: str, default: str) -> str:
    name = name.strip() or default
    if not name.isprintable():
        raise WebhookError(_("The name cannot contain control characters."), "name")
    return name[:NAME_MAX_LENGTH]


def check_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(Event.values))
    if unknown:
        raise WebhookError(
            _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}, "events"
        )
    if not events:
        raise WebhookError(_("Choose at least one event."), "events")
    return [event for event in Event.values if event in events]


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


@transaction.atomic
def create_subscription(
    *, name: str, target_url: str, events: list[str], actor: Actor
) -> Subscription:
    """A new active subscription with a new secret (show it to the person once)."""
    subscription = Subscription(
        target_url=check_target(target_url),
        name=check_name(name, target_url.strip()),
        events=check_events(events),
        secret=new_secret(),
        created_by=actor.user,
    )
    subscription.save()
    _forget_subscribed_events()
    audit.record(
        subscription,
        "summitdesk.webhook.subscribed",
        actor=actor,
        changes=audit.diff({}, audit.snapshot(subscription, SIGNED_FIELDS)),
    )
    return subscription


@transaction.atomic
def update_subscription(
    subscription: Subscription,
    *,
    name: str,
    target_url: str,
    events: list[str],
    active: bool,
    actor: Actor,
) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    before = audit.snapshot(subscription, SIGNED_FIELDS)
    subscription.name = check_name(name, subscription.name)
    # A new address is checked in full; the one already there only for its form, so that
    # a subscription can still be changed (deactivated) after the allow-list shrank.
    url = check_url(target_url)
    subscription.target_url = check_target(url) if url != subscription.target_url else url
    subscription.events = check_events(events)
    subscription.active = active
    after = audit.snapshot(subscription, SIGNED_FIELDS)
    changes = audit.diff(before, after)
    if changes:
        subscription.save()
        _forget_subscribed_events()
        audit.record(subscription, "summitdesk.webhook.changed", actor=actor, changes=changes)
    return subscription


def _forget_subscribed_events() -> None:
    """Now, and again at commit: a reader in between may have cached the old state."""
    signals.forget_subscribed_events()
    transaction.on_commit(signals.forget_subscribed_events)


def deactivate(subscription: Subscription, *, actor: Actor) -> Subscription:
    """Stop sending new events; what is already pending is still delivered."""
    return update_subscription(
        subscription,
        name=subscription.name,
        target_url=subscription.target_url,
        events=subscription.events,
        active=False,
        actor=actor,
    )


@transaction.atomic
def send_again(delivery: Delivery, *, actor: Actor) -> Delivery:
    """Give a failed delivery a fresh set of attempts, starting now (same key, same body)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise WebhookError(_("Only a failed delivery can be sent again."))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        lease_token="",
        leased_until=None,
    )
    audit.record(
        delivery.subscription,
        "summitdesk.webhook.sent_again",
        actor=actor,
        note=delivery.idempotency_key,
    )
    transaction.on_commit(_enqueue_sweep)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def send_test(subscription: Subscription, *, actor: Actor) -> Delivery:
    """A `webhook.test` delivery, so that the receiver's owner can check the signature."""
    key = f"test-{secrets.token_hex(12)}"
    now = timezone.now()
    delivery = Delivery.objects.create(
        subscription=subscription,
        event=TEST_EVENT,
        idempotency_key=key,
        payload=_body(
            key,
            TEST_EVENT,
            now,
            {"subscription": {"id": subscription.pk, "name": subscription.name}},
        ),
        next_attempt_at=now,
    )
    audit.record(subscription, "summitdesk.webhook.test_sent", actor=actor, note=key)
    transaction.on_commit(_enqueue_sweep)
    return delivery


def _enqueue_sweep() -> None:
    tasks.send_due.enqueue()


# Fan-out


def idempotency_key(subscription_id: int, entry_id: int) -> str:
    return f"evt-{entry_id}-sub-{subscription_id}"


def _body(
    key: str, event: str, occurred_at: datetime.datetime, data: dict[str, Any]
) -> dict[str, Any]:
    return {"id": key, "event": event, "occurred_at": occurred_at.isoformat(), "data": data}


def fan_out(*, window: int = WINDOW) -> int:
    """Turn the audit entries after the cursor into deliveries; returns how many were made."""
    assign_sequences()
    upto = latest_sequence()  # every entry numbered up to here is committed and visible
    made = 0
    while True:
        with transaction.atomic():
            cursor, _created = FanOutCursor.objects.select_for_update().get_or_create(pk=1)
            start = cursor.last_sequence
            if start >= upto:
                return made
            end = min(upto, start + window)
            made += _fan_out_range(start, end)
            FanOutCursor.objects.filter(pk=1, last_sequence__lt=end).update(last_sequence=end)


def _fan_out_range(start: int, end: int) -> int:
    entries = list(
        AuditEntry.objects.filter(
            sequence__gt=start, sequence__lte=end, action__in=list(EVENT_OF)
        ).order_by("sequence")
    )
    subscriptions = list(Subscription.objects.filter(active=True)) if entries else []
    wanted = {
        entry.pk: [
            s
            for s in subscriptions
            if EVENT_OF[entry.action] in s.events and s.created_at <= entry.created_at
        ]
        for entry in entries
    }
    entries = [entry for entry in entries if wanted[entry.pk]]
    if not entries:
        return 0
    data = events_data(entries)
    now = timezone.now()
    deliveries = [
        Delivery(
            subscription=subscription,
            event=EVENT_OF[entry.action],
            idempotency_key=(key := idempotency_key(subscription.pk, entry.pk)),
            audit_entry=entry,
            payload=_body(key, EVENT_OF[entry.action], entry.created_at, data[entry.pk]),
            next_attempt_at=now,
        )
        for entry in entries
        for subscription in wanted[entry.pk]
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def _ids(entries: list[AuditEntry], object_type: str) -> set[int]:
    return {
        int(entry.object_id)
        for entry in entries
        if entry.object_type == object_type and entry.object_id.isdigit()
    }


def events_data(entries: list[AuditEntry]) -> dict[int, dict[str, Any]]:
    """What a receiver learns of each entry, by entry id: ids and fields that are not
    sensitive (never identity data). The objects are read in one query per kind, however
    many entries (a bulk approval)."""
    check_ins = CheckIn.objects.in_bulk(_ids(entries, "accreditation.checkin"))
    passages = Passage.objects.select_related("zone").in_bulk(_ids(entries, "venue.passage"))
    replies = (
        Reply.objects.select_related("organisation", "meeting")
        .annotate(delegate_count=Count("delegates"))
        .in_bulk(_ids(entries, "delegations.reply"))
    )
    accreditations = Accreditation.objects.select_related(
        "delegate__reply__organisation", "meeting"
    ).in_bulk(
        _ids(entries, "accreditation.accreditation")
        | {c.accreditation_id for c in check_ins.values() if c.accreditation_id}
        | {p.accreditation_id for p in passages.values() if p.accreditation_id}
    )
    join_requests = JoinRequest.objects.select_related("meeting", "organisation").in_bulk(
        _ids(entries, "delegations.joinrequest")
    )
    bookings = PickupBooking.objects.select_related(
        "slot", "meeting", "reply__organisation"
    ).in_bulk(_ids(entries, "onsite.pickupbooking"))
    found: dict[int, dict[str, Any]] = {}
    for entry in entries:
        object_id = int(entry.object_id) if entry.object_id.isdigit() else 0
        if entry.object_type == "delegations.joinrequest":
            join_request = join_requests.get(object_id)
            found[entry.pk] = (
                _join_request_data(join_request, entry)
                if join_request
                else {"join_request": {"id": object_id}}
            )
            continue
        if entry.object_type == "onsite.pickupbooking":
            booking = bookings.get(object_id)
            found[entry.pk] = _booking_data(booking) if booking else {"pickup": {"id": object_id}}
            continue
        if entry.object_type == "delegations.reply":
            reply = replies.get(object_id)
            found[entry.pk] = (
                _reply_data(reply, getattr(reply, "delegate_count", 0))
                if reply
                else {"reply": {"id": object_id}}
            )
            continue
        data: dict[str, Any] = {}
        accreditation_id = object_id
        if entry.object_type == "accreditation.checkin":
            check_in = check_ins.get(object_id)
            if check_in is None or check_in.accreditation_id is None:
                found[entry.pk] = {"check_in": {"id": object_id}}
                continue
            accreditation_id = check_in.accreditation_id
            data["check_in"] = {
                "id": check_in.pk,
                "desk": check_in.desk,
                "result": check_in.result,
                "at": check_in.scanned_at.isoformat(),
            }
        if entry.object_type == "venue.passage":
            passage = passages.get(object_id)
            if passage is None or passage.accreditation_id is None:
                found[entry.pk] = {"passage": {"id": object_id}}
                continue
            accreditation_id = passage.accreditation_id
            data["passage"] = {
                "id": passage.pk,
                "zone": passage.zone.code,
                "direction": passage.direction,
                "desk": passage.desk,
                "secondary_pass": passage.secondary_pass_id,
                "at": passage.scanned_at.isoformat(),
            }
        accreditation = accreditations.get(accreditation_id)
        if accreditation is None:
            found[entry.pk] = data | {"accreditation": {"id": accreditation_id}}
            continue
        status = entry.changes.get("status", [None, accreditation.status])[1]
        found[entry.pk] = data | _accreditation_data(accreditation, status)
    return found


def _join_request_data(request: JoinRequest, entry: AuditEntry) -> dict[str, Any]:
    """A request to join: its status as the change left it and the delegate it made; never
    the person's name or address (a receiver reads them with the API's scope)."""
    status = entry.changes.get("status", [None, request.status])[1]
    return {
        "join_request": {"id": request.pk, "status": status, "delegate": request.delegate_id},
        "meeting": {"id": request.meeting_id, "code": request.meeting.code},
        "organisation": {"id": request.organisation_id, "name": request.organisation.name},
    }


def _reply_data(reply: Reply, delegates: int) -> dict[str, Any]:
    return {
        "reply": {
            "id": reply.pk,
            "state": reply.state,
            "attending": reply.attending,
            "delegates": delegates,
        },
        "meeting": {"id": reply.meeting_id, "code": reply.meeting.code},
        "organisation": {"id": reply.organisation_id, "name": reply.organisation.name},
    }


def _booking_data(booking: PickupBooking) -> dict[str, Any]:
    return {
        "pickup": {
            "id": booking.pk,
            "starts_at": booking.slot.starts_at.isoformat(),
            "collected_at": booking.collected_at.isoformat() if booking.collected_at else None,
            "badges": [int(pair[0]) for pair in booking.badges],
        },
        "reply": {"id": booking.reply_id},
        "meeting": {"id": booking.meeting_id, "code": booking.meeting.code},
        "organisation": {
            "id": booking.reply.organisation_id,
            "name": booking.reply.organisation.name,
        },
    }


def _accreditation_data(accreditation: Accreditation, status: str) -> dict[str, Any]:
    delegate = accreditation.delegate
    organisation = delegate.reply.organisation
    return {
        "accreditation": {
            "id": accreditation.pk,
            "status": status,
            "badge_number": accreditation.badge_number,
        },
        "delegate": {
            "id": delegate.pk,
            "given_name": delegate.given_name,
            "family_name": delegate.family_name,
            "is_head": delegate.is_head,
        },
        "meeting": {"id": accreditation.meeting_id, "code": accreditation.meeting.code},
        "organisation": {"id": organisation.pk, "name": organisation.name},
    }


# Sending


def sweep(*, now: datetime.datetime | None = None) -> list[tuple[int, str]]:
    """Lease every delivery due at `now` whose lease (if any) ran out to a new token;
    returns (id, token) for each, to be enqueued. Handing out twice is harmless: only the
    task holding the current token sends."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:1000]
        )
        leased = []
        for delivery_id in due:
            token = secrets.token_hex(16)
            updated = (
                Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
                .update(lease_token=token, leased_until=now + LEASE)
            )
            if updated:
                leased.append((delivery_id, token))
    return leased


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The X-SummitDesk-Signature header: HMAC-SHA256 of "<t>.<body>" with the secret."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class Response:
    """What the delivery log keeps of an attempt: the status, and a plain reason (never
    the receiver's answer, nor the socket's error text, which would tell an open port
    from a closed one)."""

    status: int | None
    reason: str

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def refused_reason() -> str:
    return _("refused: private address")


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body`; never raises: whatever happened is in the Response.

    Sent to a permitted address only (outbound.py), never through a proxy, a redirect
    never followed, and all of it within SUMMITDESK_WEBHOOK_DEADLINE seconds: past it
    the connection is cut, so a receiver that answers a byte at a time cannot hold the
    worker (TIMEOUT alone bounds each read, not their sum)."""
    parts = urlsplit(url)
    limit = float(settings.SUMMITDESK_WEBHOOK_DEADLINE)
    deadline = time.monotonic() + limit
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        # The port always given: http.client would read the end of a bare IPv6 address
        # ("2001:db8::1") as one.
        port = parts.port or (443 if parts.scheme == "https" else 80)
        connection = outbound.open_connection(
            parts.scheme, parts.hostname or "", port, timeout=TIMEOUT, deadline=deadline
        )
    except ValueError:
        return Response(None, _("connection failed"))
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        connection.abort()

    timer = threading.Timer(limit, expire)
    timer.daemon = True
    timer.start()
    try:
        connection.request("POST", path, body=body, headers=headers)
        status = connection.getresponse().status
    except outbound.RefusedAddress:
        return Response(None, refused_reason())
    except TimeoutError:
        return Response(None, _("timeout"))
    except (OSError, ValueError, http.client.HTTPException):
        # Refused, reset, DNS, TLS, not HTTP at all: told apart to nobody.
        return Response(None, _("timeout") if expired.is_set() else _("connection failed"))
    finally:
        timer.cancel()
        connection.close()
    if expired.is_set():
        # Cut while the answer was read: what was read so far proves nothing (a cut read
        # looks like the end of the headers). A delivery may then arrive twice, as always.
        return Response(None, _("timeout"))
    return Response(status, _("redirect not followed") if 300 <= status < 400 else "")


def attempt(delivery_id: int, token: str) -> str | None:
    """Send the delivery if `token` still holds its lease; returns its status afterwards
    (None when another task holds it or it is no longer pending)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, lease_token=token
    ).update(attempts=F("attempts") + 1, leased_until=now + LEASE, last_attempt_at=now)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    body = encode(delivery.payload)
    response = post(
        delivery.subscription.target_url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-SummitDesk-Event": delivery.event,
            "X-SummitDesk-Delivery": delivery.idempotency_key,
            "X-SummitDesk-Signature": signature(
                delivery.subscription.secret, body, int(time.time())
            ),
        },
    )
    done = timezone.now()
    outcome: dict[str, Any] = {
        "last_status_code": response.status,
        "last_error": response.reason,
        "lease_token": "",
        "leased_until": None,
    }
    if response.delivered:
        outcome |= {
            "status": DeliveryStatus.DELIVERED,
            "delivered_at": done,
            "next_attempt_at": None,
        }
    elif delivery.attempts >= MAX_ATTEMPTS:
        outcome |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
    else:
        outcome |= {"next_attempt_at": done + BACKOFF[delivery.attempts - 1]}
    Delivery.objects.filter(pk=delivery_id, lease_token=token).update(**outcome)
    return str(outcome.get("status", DeliveryStatus.PENDING))


def validate_target_url(url: str) -> None:
    """For forms: the same rule as check_url, as a Django validator."""
    try:
        check_url(url)
    except WebhookError as error:
        raise ValidationError(str(error)) from error


def purge_deliveries(*, now: datetime.datetime | None = None) -> int:
    """Delete finished deliveries older than KEEP_DAYS (pending ones are never deleted);
    returns how many. The keys need not be kept longer: an entry is fanned out once."""
    before = (now or timezone.now()) - datetime.timedelta(days=KEEP_DAYS)
    deleted, _by_model = Delivery.objects.filter(
        status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED), created_at__lt=before
    ).delete()
    return deleted
