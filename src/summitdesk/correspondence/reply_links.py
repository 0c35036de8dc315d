"""Personal reply links: at least 128 random bits, stored only as a hash."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import User
from summitdesk.correspondence.models import Invitation, ReplyLink
from summitdesk.directory.models import Organisation, Person
from summitdesk.lib.tokens import hash_token, new_token
from summitdesk.meetings.models import Meeting


def reply_url(token: str) -> str:
    return f"{settings.SUMMITDESK_BASE_URL}/reply/{token}/"


def issue(
    organisation: Organisation,
    meeting: Meeting,
    *,
    invitation: Invitation | None = None,
    person: Person | None = None,
    expires_at: datetime | None = None,
    opened_by: User | None = None,
    token: str | None = None,
) -> tuple[ReplyLink, str]:
    """A new link; returns it with its token, which is not stored anywhere. With `person`,
    the link is that person's own (a focal point's), revoked when they hand over; with
    `opened_by`, a staff member's, which opens only in their own session. The token may be
    chosen beforehand (an email written before its link is saved)."""
    token = token or new_token()
    link = ReplyLink.objects.create(
        organisation=organisation,
        meeting=meeting,
        invitation=invitation,
        person=person,
        opened_by=opened_by,
        token_hash=hash_token(token),
        expires_at=expires_at,
    )
    return link, token


def find(token: str) -> ReplyLink | None:
    """The live link for `token`, or None (unknown, revoked or expired alike)."""
    link = (
        ReplyLink.objects.select_related("organisation", "meeting")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if link is None or (link.expires_at and link.expires_at <= timezone.now()):
        return None
    return link


@transaction.atomic
def revoke(links: QuerySet[ReplyLink], *, actor: Actor, why: str = "") -> int:
    """Revoke the live links among `links`, each with its audit entry saying `why`;
    returns how many. The one way a reply link stops working before it expires, so that
    the history of every link shows who ended it."""
    now = timezone.now()
    live = list(links.filter(revoked_at__isnull=True).select_for_update())
    ReplyLink.objects.filter(pk__in=[link.pk for link in live]).update(revoked_at=now)
    for link in live:
        audit.record(
            link,
            "summitdesk.reply_link.revoked",
            actor=actor,
            changes={"revoked_at": [None, now.isoformat()]},
            organisation_id=link.organisation_id,
            note=why,
        )
    return len(live)


def revoke_all(organisation: Organisation, meeting: Meeting, *, actor: Actor, why: str = "") -> int:
    """Revoke every live link of `organisation` for `meeting` (one leaked)."""
    links = ReplyLink.objects.filter(organisation=organisation, meeting=meeting)
    return revoke(links, actor=actor, why=why)
