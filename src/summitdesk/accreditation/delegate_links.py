"""Delegates' own links to complete their accreditation: 192 random bits, stored only as a
hash, like the reply links (correspondence.reply_links).

One live link per accreditation: issuing a new one revokes the others, so that a link
sent to a wrong address stops working once the secretariat re-issues it. Links expire with
the reply links, 30 days after the meeting (correspondence.sending.link_expiry).
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from summitdesk.accreditation.models import Accreditation, DelegateLink
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.correspondence.sending import link_expiry
from summitdesk.lib.tokens import hash_token, new_token


def delegate_url(token: str) -> str:
    return f"{settings.SUMMITDESK_BASE_URL}/accreditation/{token}/"


@transaction.atomic
def issue(
    accreditation: Accreditation, *, actor: Actor, token: str | None = None
) -> tuple[DelegateLink, str]:
    """A new link for `accreditation`, revoking the earlier ones; returns it with its
    token, which is not stored anywhere. The token may be chosen beforehand (an email
    written before its link is saved). The audit entry says a link was issued."""
    revoked = revoke(accreditation)
    token = token or new_token()
    link = DelegateLink.objects.create(
        accreditation=accreditation,
        token_hash=hash_token(token),
        expires_at=link_expiry(accreditation.meeting),
    )
    audit.record(
        accreditation,
        "summitdesk.accreditation.link_issued",
        actor=actor,
        changes={"delegate link": [revoked or None, 1]},
        organisation_id=accreditation.delegate.reply.organisation_id,
    )
    return link, token


def revoke(accreditation: Accreditation) -> int:
    """Revoke every live link of `accreditation`; returns how many."""
    return DelegateLink.objects.filter(accreditation=accreditation, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_in(text: str) -> str | None:
    """The delegate token a stored email carries, or None (only its hash is stored)."""
    prefix = delegate_url("\0").partition("\0")[0]
    match = re.search(re.escape(prefix) + r"([A-Za-z0-9_-]+)/", text)
    return match.group(1) if match else None


def is_live(token: str) -> bool:
    """Whether `token` still opens its accreditation: not revoked, not expired."""
    link = DelegateLink.objects.filter(
        token_hash=hash_token(token), revoked_at__isnull=True
    ).first()
    return link is not None and (link.expires_at is None or link.expires_at > timezone.now())
