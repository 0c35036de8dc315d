"""Personal reply links: at least 128 random bits, stored only as a hash."""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from summitdesk.core.models import User
from summitdesk.correspondence.models import Invitation, ReplyLink
from summitdesk.directory.models import Organisation, Person
from summitdesk.meetings.models import Meeting

TOKEN_BYTES = 24  # 192 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    token = token or secrets.token_urlsafe(TOKEN_BYTES)
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


def revoke_all(organisation: Organisation, meeting: Meeting) -> int:
    """Revoke every live link of `organisation` for `meeting` (one leaked)."""
    return ReplyLink.objects.filter(
        organisation=organisation, meeting=meeting, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
