"""Secondary passes: a pool of passes for a zone (or a session in it) given to a
delegation; its focal point hands each pass to a member, and hands it on, in the portal
until the pool's cut-off. Every assignment is audited. A pass carries a signed code of
its own (printed on it), which the gates of its zone scan (venue.gates)."""

import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.versions import version_of
from summitdesk.delegations.models import Reply
from summitdesk.venue.models import SecondaryPass, SecondaryPassPool, Zone

SALT = "summitdesk.secondary-pass"
MAX_POOL_SIZE = 500


class PassError(Exception):
    """An assignment that cannot be made; the message says why, nothing was changed."""


def pass_code(secondary_pass: SecondaryPass) -> str:
    """The code printed on the pass (its QR code)."""
    return signing.Signer(salt=SALT).sign_object(["pass", secondary_pass.pk])


def read_pass_code(code: str) -> int | None:
    """The pass id of a genuine pass code, or None for anything else (a badge's code)."""
    if not isinstance(code, str) or len(code) > 200:
        return None
    try:
        value = signing.Signer(salt=SALT).unsign_object(code.strip())
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None
    if isinstance(value, list) and len(value) == 2 and value[0] == "pass" and type(value[1]) is int:
        return value[1]
    return None


def create_pool(
    reply: Reply,
    zone: Zone,
    *,
    size: int,
    session: str = "",
    cutoff: datetime.datetime | None = None,
    actor: Actor,
) -> SecondaryPassPool:
    """Give the delegation of `reply` `size` passes for `zone`."""
    if zone.meeting_id != reply.meeting_id:
        raise PassError(_("Choose a zone of the reply's meeting."))
    if not 1 <= size <= MAX_POOL_SIZE:
        raise PassError(_("A pool holds from 1 to %(most)d passes.") % {"most": MAX_POOL_SIZE})
    with transaction.atomic():
        pool = SecondaryPassPool.objects.create(
            reply=reply, zone=zone, size=size, session=session.strip()[:100], cutoff=cutoff
        )
        SecondaryPass.objects.bulk_create(
            SecondaryPass(pool=pool, number=number) for number in range(1, size + 1)
        )
        audit.record(
            pool,
            "summitdesk.venue.pass_pool_created",
            actor=actor,
            changes={"zone": [None, zone.code], "size": [None, size], "session": [None, session]},
            organisation_id=reply.organisation_id,
        )
    return pool


def may_assign(pool: SecondaryPassPool, now: datetime.datetime | None = None) -> bool:
    return pool.cutoff is None or (now or timezone.now()) < pool.cutoff


def holders(reply: Reply) -> list[Accreditation]:
    """Who the focal point may hand a pass to: the delegation's approved members."""
    return list(
        Accreditation.objects.filter(delegate__reply=reply, status=AccreditationStatus.APPROVED)
        .select_related("delegate")
        .order_by("delegate__family_name", "delegate__given_name", "pk")
    )


def assign(
    pass_id: int,
    holder_id: int | None,
    *,
    reply: Reply,
    expected_version: str,
    actor: Actor,
    now: datetime.datetime | None = None,
) -> SecondaryPass:
    """Hand the pass `pass_id` of `reply`'s delegation to its member `holder_id` (None:
    take it back). Refused, with nothing changed, for a pass or member not of the
    delegation, after the cut-off, while the pass is in use inside its zone, or when the
    pass changed since `expected_version` was read (two focal points at once)."""
    with transaction.atomic():
        found = (
            SecondaryPass.objects.select_for_update()
            .select_related("pool__zone")
            .filter(pk=pass_id, pool__reply=reply)
            .first()
        )
        if found is None:
            raise PassError(_("There is no such pass in this delegation."))
        if not may_assign(found.pool, now):
            raise PassError(_("Passes can no longer be handed on: the cut-off has passed."))
        if version_of(found) != expected_version:
            raise PassError(_("This pass was changed since you opened the page: look at it again."))
        if found.inside_since is not None:
            raise PassError(
                _("This pass is in use inside the zone: hand it on once it has come out.")
            )
        holder = None
        if holder_id is not None:
            holder = (
                Accreditation.objects.select_related("delegate")
                .filter(pk=holder_id, delegate__reply=reply, status=AccreditationStatus.APPROVED)
                .first()
            )
            if holder is None:
                raise PassError(_("Choose an accredited member of the delegation."))
        before = found.holder_id
        if before == (holder.pk if holder else None):
            return found
        found.holder = holder
        found.assigned_at = (now or timezone.now()) if holder else None
        found.save(update_fields=["holder", "assigned_at", "updated_at"])
        audit.record(
            found,
            "summitdesk.venue.pass_assigned",
            actor=actor,
            changes={"holder": [before, found.holder_id]},
            organisation_id=reply.organisation_id,
        )
    return found
