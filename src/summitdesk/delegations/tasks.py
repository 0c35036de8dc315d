"""Background tasks of the delegations. The emails a reply sends are no longer tasks of
their own: they go through the outbox (delegations.emails, correspondence.messages). The
two tasks below only take over those an older version enqueued, putting them in the
outbox, so that none is lost in an upgrade. And a daily job deletes the requests to join
whose email address was never confirmed (nobody but their writer saw them).
"""

import datetime

from django.db import transaction
from django_tasks import task

from summitdesk.core.periodic import periodic
from summitdesk.delegations import emails, join_requests
from summitdesk.delegations.models import Reply


@task()
def send_reply_confirmation(reply_id: int) -> dict[str, int]:
    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is None:
        return {"queued": 0}
    with transaction.atomic():
        emails.queue_confirmation(reply)
    return {"queued": 1}


@task()
def send_focal_point_link(reply_id: int, person_id: int) -> dict[str, int]:
    reply = Reply.objects.select_related("focal_point").filter(pk=reply_id).first()
    if reply is None or reply.focal_point is None or reply.focal_point_id != person_id:
        return {"queued": 0}
    with transaction.atomic():
        emails.queue_focal_point_link(reply, reply.focal_point)
    return {"queued": 1}


@periodic("purge-unconfirmed-join-requests", every=datetime.timedelta(days=1))
@task()
def purge_unconfirmed_join_requests() -> int:
    """Requests to join whose confirmation link expired days ago, never confirmed."""
    return join_requests.expire_unconfirmed()
