"""What a delegate's own link, or a focal point's reply link with one of its delegates,
lets its holder reach: every delegate page goes through here.

With the same guarantees as the reply links (portal/access.py): views reach data only
through the `DelegateAccess` returned here; an unknown, revoked or expired token, an
accreditation withdrawn or revoked, or a delegate of another reply all give None, after
one query, so that neither the answer nor its time tells them apart; every request is
rate limited per address and failed look-ups more strictly, counted with the reply links'
(a guesser gains nothing by switching from one kind of link to the other).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from summitdesk.accreditation import services
from summitdesk.accreditation.models import Accreditation, DelegateLink
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.delegations.models import Delegate
from summitdesk.lib.tokens import hash_token
from summitdesk.portal import access as portal_access
from summitdesk.portal.access import PortalAccess

#: `last_used_at` is written at most this often per link, not on every request.
USE_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class DelegateAccess:
    """One delegate's accreditation, opened by their own link or by the focal point."""

    accreditation: Accreditation
    # The delegate's own token, or None when the focal point opened it from the reply.
    token: str | None = None
    # The reply's access when the focal point opened it.
    reply_access: PortalAccess | None = None

    @property
    def delegate(self) -> Delegate:
        return self.accreditation.delegate

    @property
    def actor(self) -> Actor:
        if self.reply_access is not None:
            return self.reply_access.actor
        name = " ".join(
            part for part in (self.delegate.given_name, self.delegate.family_name) if part
        )
        return Actor(user=None, channel=Channel.PORTAL, label=f"delegate {name}")


def refused_for(request: HttpRequest) -> int:
    """Seconds the address must wait; 0 when it may (portal_access.refused_for)."""
    return portal_access.refused_for(request)


def _failed(request: HttpRequest) -> None:
    portal_access.count_failure(request)


def accreditation_for_token(token: str, *, request: HttpRequest) -> DelegateAccess | None:
    """What the delegate link of `token` opens, or None (unknown, revoked, expired, or an
    accreditation no longer current, alike; the failure counted against the address).
    Marks the link as used."""
    link = (
        DelegateLink.objects.select_related(
            "accreditation__meeting", "accreditation__delegate__reply__organisation"
        )
        .filter(
            token_hash=hash_token(token),
            revoked_at__isnull=True,
        )
        .exclude(accreditation__status__in=services.DETACHED)
        .first()
    )
    now = timezone.now()
    if link is None or (link.expires_at and link.expires_at <= now):
        _failed(request)
        return None
    if link.last_used_at is None or link.last_used_at < now - USE_RESOLUTION:
        DelegateLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return DelegateAccess(accreditation=link.accreditation, token=token)


def accreditation_for_reply(
    access: PortalAccess, delegate_id: int, *, request: HttpRequest
) -> DelegateAccess | None:
    """The accreditation of delegate `delegate_id` of the reply `access` opens, or None
    (a delegate of another reply, or without a current accreditation, alike)."""
    accreditation = (
        Accreditation.objects.select_related("meeting", "delegate__reply__organisation")
        .filter(delegate_id=delegate_id, delegate__reply=access.reply)
        .exclude(status__in=services.DETACHED)
        .first()
    )
    if accreditation is None:
        _failed(request)
        return None
    return DelegateAccess(accreditation=accreditation, reply_access=access)
