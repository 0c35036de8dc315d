"""A reply's deadline: the reply services read it (whether the portal may still change the
reply) and so does the confirmation email (which states it), without importing each other."""

from datetime import datetime

from django.db.models import Max

from summitdesk.correspondence.models import Invitation
from summitdesk.delegations.models import Reply


def deadline(reply: Reply) -> datetime | None:
    """The latest reply deadline of the circulars that invited this organisation."""
    value: datetime | None = Invitation.objects.filter(
        organisation=reply.organisation_id, circular__meeting=reply.meeting_id
    ).aggregate(latest=Max("circular__reply_deadline"))["latest"]
    return value
