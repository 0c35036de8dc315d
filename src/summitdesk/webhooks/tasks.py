"""Background tasks of the webhooks: thin wrappers that take ids (see services.py)."""

from datetime import datetime, timedelta

from django_tasks import task

from summitdesk.core.periodic import periodic
from summitdesk.webhooks import services


@periodic("webhooks", every=timedelta(seconds=10))
@task()
def fan_out_and_send() -> dict[str, int]:
    """Turn new audit entries into deliveries, then hand out every delivery due: retries
    whose wait is over and those a killed worker held."""
    made = services.fan_out()
    return {"made": made, "enqueued": hand_out()}


@task()
def send_due() -> int:
    """Hand out the deliveries due now (after "send again" or "send test event")."""
    return hand_out()


@task()
def deliver(delivery_id: int, token: str) -> str | None:
    """One attempt at one delivery (a stale token, or a delivery already sent: nothing)."""
    return services.attempt(delivery_id, token)


def hand_out(now: datetime | None = None) -> int:
    """Enqueue one attempt for every delivery due at `now`; returns how many."""
    leased = services.sweep(now=now)
    for delivery_id, token in leased:
        deliver.enqueue(delivery_id, token)
    return len(leased)


@periodic("purge-webhook-deliveries", every=timedelta(days=1))
@task()
def purge_deliveries() -> int:
    """Delete the delivery log's delivered and failed rows older than KEEP_DAYS."""
    return services.purge_deliveries()
