"""The applicant's personal link, to follow and complete their application: 192 random
bits, only the hash stored (lib.tokens), like every personal link.

One live link per application: issuing a new one revokes the others, so that a link
forwarded to the wrong person stops working once a new one is asked for. A link expires
`LINK_DAYS` after it was issued; asking again with the "lost your link?" form sends a new
one to the address the applicant confirmed. An unknown, revoked or expired token is
looked up by one query and answers None alike.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from summitdesk.admission.models import ApplicantLink, Application
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib.tokens import hash_token, new_token

#: How long an applicant's link works after it was issued.
LINK_DAYS = 180
#: `last_used_at` is written at most this often per link, not on every request.
USE_RESOLUTION = timedelta(minutes=5)


def applicant_url(token: str) -> str:
    return f"{settings.SUMMITDESK_BASE_URL}/application/{token}/"


def lost_link_url() -> str:
    """The public form that sends a new link to the address an application gave."""
    return f"{settings.SUMMITDESK_BASE_URL}/application/lost-link/"


@transaction.atomic
def issue(
    application: Application, *, actor: Actor, token: str | None = None
) -> tuple[ApplicantLink, str]:
    """A new link for `application`, revoking the earlier ones; returns it with its token,
    which is stored nowhere. The token may be chosen beforehand (an email written before
    its link is saved)."""
    revoked = revoke(application)
    token = token or new_token()
    link = ApplicantLink.objects.create(
        application=application,
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=LINK_DAYS),
    )
    audit.record(
        application,
        "summitdesk.application.link_issued",
        actor=actor,
        changes={"applicant link": [revoked or None, 1]},
    )
    return link, token


def revoke(application: Application) -> int:
    """Revoke every live link of `application`; returns how many."""
    return ApplicantLink.objects.filter(application=application, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def find(token: str) -> ApplicantLink | None:
    """The live link of `token`, its application and process loaded; None for an unknown,
    revoked or expired token alike. Marks the link as used."""
    if not token or len(token) > 100:
        return None
    link = (
        ApplicantLink.objects.select_related("application__process")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if link is None or link.expires_at <= now:
        return None
    if link.last_used_at is None or link.last_used_at < now - USE_RESOLUTION:
        ApplicantLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link


def token_in(text: str) -> str | None:
    """The applicant token a stored email carries, or None (only its hash is stored)."""
    prefix = applicant_url("\0").partition("\0")[0]
    match = re.search(re.escape(prefix) + r"([A-Za-z0-9_-]+)/", text)
    return match.group(1) if match else None


def is_live(token: str) -> bool:
    """Whether `token` still opens its application: not revoked, not expired."""
    link = ApplicantLink.objects.filter(
        token_hash=hash_token(token), revoked_at__isnull=True
    ).first()
    return link is not None and link.expires_at > timezone.now()
