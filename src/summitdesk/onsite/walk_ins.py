"""The on-site registration desk: a walk-in registered against the organisation's reply,
photographed with the desk's camera, approved, and given one badge at once.

The walk-in joins the reply's delegation through the reply's own service
(`delegations.services.save_reply`, channel back office: the reply is amended on the
organisation's behalf and its focal point told), which gives the pending accreditation;
the photo goes through `accreditation.photos` (the checks and crop of every upload) and
the approval through `accreditation.services.transition` (limits, badge number).
"""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation import badge_templates, badges, photos
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.accreditation.services import AccreditationError, transition
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations import services as reply_services
from summitdesk.delegations.data import DelegateData
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.lib.text import fold
from summitdesk.onsite import emails
from summitdesk.onsite.enums import WalkInBasis
from summitdesk.onsite.models import WalkIn, WalkInRequest


class WalkInRefused(Exception):
    """A walk-in step refused; the message says why, for the desk."""


def open_for_walk_ins(reply: Reply) -> bool:
    """A walk-in joins only a reply that is answered and attending."""
    return reply.attending is True and reply.state in ATTENDING_STATES


def _check_joins(reply: Reply, person: DelegateData) -> list[Delegate]:
    """The reply's delegation, once the walk-in may join it (else WalkInRefused)."""
    if not person.family_name.strip():
        raise WalkInRefused(_("Give the walk-in's family name."))
    if not open_for_walk_ins(reply):
        raise WalkInRefused(
            _(
                "This organisation's reply is closed to walk-ins: it does not say the "
                "organisation attends."
            )
        )
    existing = list(reply_services.active_delegates(reply))
    key = (fold(person.family_name), fold(person.given_name))
    if any((fold(d.family_name), fold(d.given_name)) == key for d in existing):
        raise WalkInRefused(
            _("%(name)s is already in the delegation: find them at the badge desk.")
            % {"name": f"{person.given_name} {person.family_name}".strip()}
        )
    return existing


def request_confirmation(reply: Reply, person: DelegateData, *, actor: Actor) -> WalkInRequest:
    """Ask the reply's focal point to confirm a walk-in through their link (the portal's
    "Walk-ins to confirm"), or raise WalkInRefused as `register` would. The focal point
    is emailed the link (onsite.emails), once: asking again for a walk-in still waiting
    gives the request already made."""
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        _check_joins(reply, person)
        key = (fold(person.family_name.strip()), fold(person.given_name.strip()))
        for waiting in WalkInRequest.objects.filter(reply=reply, decided_at__isnull=True):
            if (fold(waiting.family_name), fold(waiting.given_name)) == key:
                return waiting
        request = WalkInRequest.objects.create(
            meeting_id=reply.meeting_id,
            reply=reply,
            given_name=person.given_name.strip()[:150],
            family_name=person.family_name.strip()[:150],
            function=person.function.strip()[:200],
            email=person.email.strip(),
            requested_by=actor.user,
        )
        audit.record(
            request,
            "summitdesk.walk_in.confirmation_requested",
            actor=actor,
            changes={"walk_in": [None, f"{request.given_name} {request.family_name}".strip()]},
            organisation_id=reply.organisation_id,
        )
        emails.queue_walk_in_to_confirm(request)
    return request


def decide_request(request: WalkInRequest, *, confirm: bool, actor: Actor) -> WalkInRequest:
    """The focal point confirms (or refuses) the walk-in; answered once."""
    with transaction.atomic():
        locked = (
            WalkInRequest.objects.select_for_update().select_related("reply").get(pk=request.pk)
        )
        if locked.decided_at is not None:
            raise WalkInRefused(_("This walk-in was already answered."))
        locked.decided_at = timezone.now()
        locked.confirmed = confirm
        locked.decided_by = actor.name[:300]
        locked.save(update_fields=["decided_at", "confirmed", "decided_by"])
        audit.record(
            locked,
            "summitdesk.walk_in.confirmed" if confirm else "summitdesk.walk_in.refused",
            actor=actor,
            changes={"confirmed": [None, confirm]},
            organisation_id=locked.reply.organisation_id,
        )
    return locked


def person_of(request: WalkInRequest) -> DelegateData:
    return DelegateData(
        family_name=request.family_name,
        given_name=request.given_name,
        function=request.function,
        email=request.email,
    )


def register(
    reply: Reply,
    person: DelegateData,
    *,
    basis: str,
    reference: str = "",
    actor: Actor,
    request: WalkInRequest | None = None,
) -> WalkIn:
    """Add `person` to the reply's delegation on the organisation's word (`basis`; for
    the focal point's confirmation through their link, the `request` they confirmed), or
    raise WalkInRefused: a reply not attending, a name already in the delegation, a
    request not confirmed, a reply the service refuses (its message)."""
    if basis not in WalkInBasis.values:
        raise WalkInRefused(_("Say what the organisation's agreement rests on."))
    with transaction.atomic():
        reply = Reply.objects.select_for_update().select_related("meeting").get(pk=reply.pk)
        if basis == WalkInBasis.PORTAL:
            request = (
                WalkInRequest.objects.select_for_update().filter(pk=request.pk, reply=reply).first()
                if request is not None
                else None
            )
            if request is None or request.confirmed is not True or request.walk_in_id:
                raise WalkInRefused(_("The focal point has not confirmed this walk-in."))
            reference = reference or f"confirmed by {request.decided_by}"
        existing = _check_joins(reply, person)
        data = reply_services.reply_data(reply)
        delegates = [*data.delegates, person]
        data = dataclasses.replace(
            data,
            delegates=delegates,
            # The estimate grows with the delegation the walk-in joins.
            estimated_participants=max(data.estimated_participants or 0, len(delegates)),
        )
        try:
            reply_services.save_reply(reply, data, submit=True, actor=actor)
        except reply_services.ReplyError as error:
            raise WalkInRefused(str(error)) from None
        delegate = (
            Delegate.objects.filter(reply=reply)
            .exclude(pk__in=[d.pk for d in existing])
            .select_related("accreditation")
            .order_by("-pk")
            .first()
        )
        accreditation = getattr(delegate, "accreditation", None) if delegate else None
        if accreditation is None:
            raise WalkInRefused(_("The walk-in could not be added to the delegation."))
        walk_in = WalkIn.objects.create(
            meeting_id=reply.meeting_id,
            reply=reply,
            accreditation=accreditation,
            basis=basis,
            reference=reference.strip()[:200],
            registered_by=actor.user,
        )
        if basis == WalkInBasis.PORTAL and request is not None:
            request.walk_in = walk_in
            request.save(update_fields=["walk_in"])
        audit.record(
            accreditation,
            "summitdesk.accreditation.walk_in_registered",
            actor=actor,
            changes={"walk_in": [None, str(WalkInBasis(basis).label)]},
            organisation_id=reply.organisation_id,
            note=walk_in.reference,
        )
    return walk_in


def take_photo(walk_in: WalkIn, content: bytes, crop: photos.Crop | None, *, actor: Actor) -> None:
    """The desk camera's picture, through the checks and crop of every upload (raises
    photos.PhotoError saying why it is refused)."""
    photos.save_photo(walk_in.accreditation, content, crop, actor=actor)


def approve_and_print(
    walk_in: WalkIn, *, actor: Actor, now: datetime.datetime | None = None
) -> Accreditation:
    """Approve the walk-in (the limits and rules of every approval) and record the badge
    as printed at the desk; raises WalkInRefused without a photo or when the approval is
    refused. Approving twice prints the same badge again."""
    accreditation = Accreditation.objects.select_related(
        "delegate__reply__organisation", "meeting"
    ).get(pk=walk_in.accreditation_id)
    if not accreditation.photo.name:
        raise WalkInRefused(_("Take the walk-in's photo first: the badge prints it."))
    with transaction.atomic():
        if accreditation.status != AccreditationStatus.APPROVED:
            try:
                accreditation = transition(accreditation, AccreditationStatus.APPROVED, actor=actor)
            except AccreditationError as error:
                raise WalkInRefused(str(error)) from None
        when = now or timezone.now()
        Accreditation.objects.filter(
            pk=accreditation.pk, badge_version=accreditation.badge_version
        ).update(badge_printed_version=accreditation.badge_version, badge_printed_at=when)
        WalkIn.objects.filter(pk=walk_in.pk).update(badge_printed_at=when)
        walk_in.badge_printed_at = when
    return accreditation


def badge_pdf(walk_in: WalkIn) -> bytes:
    """The walk-in's one badge, in the meeting's design (its own, or the built-in one)."""
    accreditation = Accreditation.objects.select_related(
        "delegate__reply__organisation", "meeting"
    ).get(pk=walk_in.accreditation_id)
    if not badges.printable(accreditation):
        raise WalkInRefused(_("The walk-in is not approved yet: approve before printing."))
    source = badge_templates.template_source(accreditation.meeting_id)
    if source is None:
        return badges.render_badges([accreditation])
    data, files = badges.badge_documents([accreditation])
    return badge_templates.render_with_template(source, badges.sheet_data(data), files)
