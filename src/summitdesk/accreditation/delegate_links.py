"""Delegates' own links to complete their accreditation: 192 random bits, stored only as a
hash, like the reply links (correspondence.reply_links).

One live link per accreditation: issuing a new one revokes the others, so that a link
sent to a wrong address stops working once the secretariat re-issues it. Links expire with
the reply links, 30 days after the meeting (correspondence.sending.link_expiry).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from summitdesk.accreditation.models import Accreditation, DelegateLink
from summitdesk.core import audit
from summitdesk.core.audit import Actor

TOKEN_BYTES = 24  # 192 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def delegate_url(token: str) -> str:
    return f"{settings.SUMMITDESK_BASE_URL}/accreditation/{token}/"


@transaction.atomic
def issue(accreditation: Accreditation, *, actor: Actor) -> tuple[DelegateLink, str]:
    """A new link for `accreditation`, revoking the earlier ones; returns it with its
    token, which is not stored anywhere. The audit entry says a link was issued."""
    from summitdesk.correspondence.sending import link_expiry  # sending imports much

    revoked = revoke(accreditation)
    token = secrets.token_urlsafe(TOKEN_BYTES)
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
