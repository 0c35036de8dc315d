"""Sending soon after the event rather than at the next periodic fan-out.

When an audit entry that makes an event is written and some subscription is active, the
fan-out is enqueued after the transaction commits. It is only a shortcut: the periodic
job would find the entry anyway, so an enqueue lost to a crash delays, never loses.
"""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from summitdesk.core.models import AuditEntry
from summitdesk.webhooks import tasks
from summitdesk.webhooks.enums import EVENT_OF
from summitdesk.webhooks.models import Subscription

CACHE_KEY = "webhooks:subscribed-events"
CACHE_SECONDS = 60


@receiver(post_save, sender=AuditEntry, dispatch_uid="webhooks-fan-out-soon")
def fan_out_soon(
    sender: type[AuditEntry], instance: AuditEntry, created: bool, **kwargs: Any
) -> None:
    if created and EVENT_OF.get(instance.action) in subscribed_events():
        transaction.on_commit(_enqueue_fan_out)


def subscribed_events() -> frozenset[str]:
    """The events some active subscription wants, cached a minute so that the services'
    transactions (an admission at the door) read nothing more. A stale answer only delays
    an event to the periodic fan-out; the webhooks services clear it on every change."""
    events = cache.get(CACHE_KEY)
    if events is None:
        events = sorted(
            {
                event
                for chosen in Subscription.objects.filter(active=True).values_list(
                    "events", flat=True
                )
                for event in chosen
            }
        )
        cache.set(CACHE_KEY, events, CACHE_SECONDS)
    return frozenset(events)


def forget_subscribed_events() -> None:
    cache.delete(CACHE_KEY)


def _enqueue_fan_out() -> None:
    tasks.fan_out_and_send.enqueue()
