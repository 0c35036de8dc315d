"""Webhook deliveries to a real HTTP receiver: signature, key, retries with backoff,
giving up, at-least-once without duplicates, subscribed events only, no redirects."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.webhooks import services, tasks
from summitdesk.webhooks.enums import DeliveryStatus, Event
from summitdesk.webhooks.models import Delivery, FanOutCursor, Subscription
from tests.accreditation.builders import one
from tests.tasks import run_queued_tasks
from tests.webhooks.conftest import GARBLED, Receiver

pytestmark = pytest.mark.django_db

STAFF = Actor.system("secretary", Channel.BACKOFFICE)
ADMIN = Actor.system("admin", Channel.BACKOFFICE)


def subscribe(url: str, events: list[str] | None = None) -> Subscription:
    return services.create_subscription(
        name="Security service",
        target_url=url,
        events=events or [Event.ACCREDITATION_APPROVED, Event.ACCREDITATION_REVOKED],
        actor=ADMIN,
    )


def approve() -> Accreditation:
    return accreditation_services.transition(one(), Status.APPROVED, actor=STAFF)


def fan_out_and_send() -> int:
    tasks.fan_out_and_send.enqueue()
    return run_queued_tasks()


def later(**delta: float) -> int:
    """Hand out what is due `delta` from now and run it, as the periodic sweep would."""
    tasks.hand_out(timezone.now() + datetime.timedelta(**delta))
    return run_queued_tasks()


def test_approval_is_delivered_signed_with_the_idempotency_key(receiver: Receiver) -> None:
    subscription = subscribe(receiver.url)
    accreditation = approve()

    fan_out_and_send()

    [received] = receiver.received
    delivery = Delivery.objects.get()
    assert received.path == "/hooks/summitdesk"
    assert received.headers["x-summitdesk-event"] == "accreditation.approved"
    assert received.headers["x-summitdesk-delivery"] == delivery.idempotency_key
    timestamp, signed = received.headers["x-summitdesk-signature"].split(",")
    t = timestamp.removeprefix("t=")
    expected = hmac.new(
        subscription.secret.encode(), t.encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    assert signed == f"v1={expected}"
    assert abs(int(t) - timezone.now().timestamp()) < 60
    body = json.loads(received.body)
    assert body["id"] == delivery.idempotency_key
    assert body["event"] == "accreditation.approved"
    assert body["data"]["accreditation"] == {
        "id": accreditation.pk,
        "status": "approved",
        "badge_number": accreditation.badge_number,
    }
    assert body["data"]["organisation"]["name"] == "Orange"
    assert body["data"]["meeting"]["code"] == accreditation.meeting.code
    assert "document_number" not in received.body.decode()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )


def test_a_tampered_body_does_not_match_the_signature() -> None:
    secret = "whsec_0123456789abcdef"
    body = b'{"event":"accreditation.approved","id":"d-1"}'
    tampered = body.replace(b"approved", b"rejected")

    # The digests were computed apart from the code, for each body:
    #   printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac whsec_0123456789abcdef
    assert services.signature(secret, body, 1767225600) == (
        "t=1767225600,v1=c818e510927ab3688793df818ba29ca872eff6ac395023af55080d990b5c1e07"
    )
    assert services.signature(secret, tampered, 1767225600) == (
        "t=1767225600,v1=d65122fe2cd0afaac51666a3a5d4c1b8e8a0928f9f620d8c837a8637b0750ea5"
    )


def test_server_errors_are_retried_with_backoff_then_delivered_once(receiver: Receiver) -> None:
    receiver.answers = [500, 500, 200]
    subscribe(receiver.url)
    approve()

    fan_out_and_send()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_error == ""  # the status says it; the answer itself is not kept
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(minutes=1)

    assert later(seconds=30) == 0  # not due yet: nothing sent
    assert later(minutes=2) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=4) < wait <= datetime.timedelta(minutes=5)

    later(minutes=6)
    later(minutes=60)  # delivered: never sent again

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None
    assert len(receiver.received) == 3
    assert {r.headers["x-summitdesk-delivery"] for r in receiver.received} == {
        delivery.idempotency_key
    }


def test_receiver_down_fails_after_the_last_attempt_with_the_error_logged(
    closed_port: int,
) -> None:
    subscribe(f"http://127.0.0.1:{closed_port}/hook")
    approve()

    fan_out_and_send()
    for _ in range(services.MAX_ATTEMPTS - 1):
        assert later(hours=7) == 1
    assert later(hours=30) == 0  # given up: no more attempts

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS == 6
    assert delivery.last_status_code is None
    assert delivery.last_error == "connection failed"
    assert delivery.next_attempt_at is None


def test_failed_delivery_can_be_sent_again(receiver: Receiver, closed_port: int) -> None:
    subscription = subscribe(f"http://127.0.0.1:{closed_port}/hook")
    approve()
    fan_out_and_send()
    Delivery.objects.update(status=DeliveryStatus.FAILED, attempts=6, next_attempt_at=None)
    Subscription.objects.filter(pk=subscription.pk).update(target_url=receiver.url)

    delivery = services.send_again(Delivery.objects.get(), actor=ADMIN)
    tasks.send_due.enqueue()
    run_queued_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert len(receiver.received) == 1
    with pytest.raises(services.WebhookError, match="Only a failed delivery"):
        services.send_again(delivery, actor=ADMIN)


def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    receiver.answers = [302]
    subscribe(receiver.url)
    approve()

    fan_out_and_send()

    delivery = Delivery.objects.get()
    assert [r.path for r in receiver.received] == ["/hooks/summitdesk"]  # not /elsewhere
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert delivery.last_error == "redirect not followed"


def test_fanning_out_twice_creates_no_duplicate(receiver: Receiver) -> None:
    subscribe(receiver.url)
    approve()
    services.fan_out()
    # A crash after the deliveries were made but before the cursor moved: the same
    # entries are read again.
    FanOutCursor.objects.update(last_sequence=0)

    assert services.fan_out() == 1  # offered again, refused by the unique key
    assert Delivery.objects.count() == 1
    run_queued_tasks()
    later(minutes=1)
    assert len(receiver.received) == 1


def test_a_delivery_whose_worker_was_killed_is_sent_by_the_next_sweep(
    receiver: Receiver,
) -> None:
    subscribe(receiver.url)
    approve()
    services.fan_out()
    [(delivery_id, stale)] = services.sweep()  # enqueued, then the worker died

    later(seconds=10)
    assert receiver.received == []  # still leased to the dead task
    later(minutes=3)  # the lease ran out: handed out again
    assert services.attempt(delivery_id, stale) is None  # the old task, if it ran, sends nothing
    assert len(receiver.received) == 1
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_only_subscribed_events_reach_only_active_subscriptions(receiver: Receiver) -> None:
    revocations = subscribe(receiver.url, [Event.ACCREDITATION_REVOKED])
    inactive = subscribe(receiver.url, [Event.ACCREDITATION_APPROVED])
    services.deactivate(inactive, actor=ADMIN)
    approvals = subscribe(receiver.url, [Event.ACCREDITATION_APPROVED])
    accreditation = approve()

    fan_out_and_send()
    accreditation_services.transition(
        accreditation, Status.REVOKED, reason="Security advice.", actor=STAFF
    )
    fan_out_and_send()

    assert sorted(Delivery.objects.values_list("subscription", "event")) == sorted(
        [(approvals.pk, "accreditation.approved"), (revocations.pk, "accreditation.revoked")]
    )
    assert [r.headers["x-summitdesk-event"] for r in receiver.received] == [
        "accreditation.approved",
        "accreditation.revoked",
    ]
    assert json.loads(receiver.received[1].body)["data"]["accreditation"]["status"] == "revoked"


def test_reply_submitted_and_check_in_events(receiver: Receiver) -> None:
    subscribe(receiver.url, [Event.REPLY_SUBMITTED, Event.ACCREDITATION_CHECKED_IN])
    accreditation = approve()  # its reply was submitted before: no event for it
    reply = accreditation.delegate.reply
    audit.record(reply, "summitdesk.reply.submitted", actor=STAFF)
    audit.record(accreditation, "summitdesk.accreditation.checked_in", actor=STAFF)

    fan_out_and_send()

    events = {r.headers["x-summitdesk-event"]: json.loads(r.body) for r in receiver.received}
    assert set(events) == {"reply.submitted", "accreditation.checked_in"}
    assert events["reply.submitted"]["data"]["reply"]["id"] == reply.pk
    assert events["reply.submitted"]["data"]["organisation"]["id"] == reply.organisation_id
    checked_in = events["accreditation.checked_in"]["data"]
    assert checked_in["delegate"]["family_name"] == accreditation.delegate.family_name


def test_test_event_is_signed_and_sent(receiver: Receiver) -> None:
    subscription = subscribe(receiver.url)

    services.send_test(subscription, actor=ADMIN)
    tasks.send_due.enqueue()
    run_queued_tasks()

    [received] = receiver.received
    assert received.headers["x-summitdesk-event"] == "webhook.test"
    assert json.loads(received.body)["data"]["subscription"]["id"] == subscription.pk


def test_an_approval_enqueues_the_fan_out_after_commit(
    receiver: Receiver, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    subscribe(receiver.url)
    accreditation = one()

    with django_capture_on_commit_callbacks(execute=True):
        accreditation_services.transition(accreditation, Status.APPROVED, actor=STAFF)
    run_queued_tasks()

    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "url", ["ftp://example.org/hook", "file:///etc/passwd", "javascript:alert(1)", "example.org"]
)
def test_only_http_addresses_are_accepted(url: str) -> None:
    with pytest.raises(services.WebhookError, match="http:// or https://"):
        subscribe(url)
    assert Subscription.objects.count() == 0


def test_unknown_events_are_refused() -> None:
    with pytest.raises(services.WebhookError, match=r"Unknown events: badge\.printed"):
        subscribe("https://example.org/hook", ["badge.printed"])


def test_events_before_the_subscription_are_not_sent(receiver: Receiver) -> None:
    approve()
    assert connection.vendor in ("sqlite", "postgresql")
    subscribe(receiver.url)

    fan_out_and_send()

    assert receiver.received == []


def test_a_garbled_answer_is_a_failed_attempt(receiver: Receiver) -> None:
    receiver.answers = [GARBLED]
    subscribe(receiver.url)
    approve()

    fan_out_and_send()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error == "connection failed"


def test_without_subscribers_an_approval_enqueues_no_fan_out(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe("https://security.example.org/hooks", [Event.ACCREDITATION_REVOKED])
    accreditation = one()

    with django_capture_on_commit_callbacks(execute=True):
        accreditation_services.transition(accreditation, Status.APPROVED, actor=STAFF)

    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == {"summitdesk.correspondence.tasks.send_outbox"}  # the approval's email


def test_finished_deliveries_are_purged_after_90_days(receiver: Receiver) -> None:
    subscribe(receiver.url)
    approve()
    fan_out_and_send()
    services.send_test(Subscription.objects.get(), actor=ADMIN)  # still pending

    assert services.purge_deliveries(now=timezone.now() + datetime.timedelta(days=89)) == 0
    assert services.purge_deliveries(now=timezone.now() + datetime.timedelta(days=91)) == 1
    assert list(Delivery.objects.values_list("event", flat=True)) == ["webhook.test"]
