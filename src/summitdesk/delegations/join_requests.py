"""Requests to join a delegation: a person finds an organisation invited to (or admitted
for) a meeting on the public page, gives their details, confirms their email address by
the link sent to it, and the organisation's focal point accepts or declines the request
in the portal (the secretariat while the organisation has no focal point).

Accepting goes through `services.save_reply`, with the reply as it stands and the new
member added: the person becomes a delegate like any other, and accreditation follows.

The same person may come through two doors (a join request, and a reply naming them in
another delegation): `possible_duplicates` is the one test every door uses; a flagged
request waits for the secretariat's confirmation before anyone is accredited twice.

Every change is atomic and audited; every email goes through the outbox (join_emails).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.admission.enums import AdmissionStatus
from summitdesk.admission.models import Admission
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence.models import Invitation
from summitdesk.delegations import join_emails, services
from summitdesk.delegations.data import DelegateData
from summitdesk.delegations.duplicates import duplicate_notes, possible_duplicates
from summitdesk.delegations.enums import JoinRequestStatus, ReplyState
from summitdesk.delegations.models import Delegate, JoinRequest, Reply
from summitdesk.directory.enums import OrganisationStatus
from summitdesk.directory.models import Organisation
from summitdesk.lib.text import fold, search_words
from summitdesk.meetings.models import Meeting

#: A search needs this many letters, and answers with at most this many organisations
#: (more matches: none is shown, "type more of the name"), so that the page cannot be
#: used to list the invitees.
SEARCH_MIN_LENGTH = 4
SEARCH_MAX_RESULTS = 5
#: How long the link that confirms a request's email address works.
CONFIRMATION_LIFETIME = join_emails.LINK_LIFETIME
#: How long a confirmed request's link stays its person's page.
REQUEST_PAGE_LIFETIME = join_emails.REQUEST_PAGE_LIFETIME
#: A focal point is told of new requests at most once in this time.
DIGEST_INTERVAL = join_emails.DIGEST_INTERVAL


class JoinRequestError(Exception):
    """A request or a decision refused, with a message for the person who made it."""


@dataclass(frozen=True)
class JoinerData:
    """What a person gives about themselves when they ask to join."""

    family_name: str
    email: str
    given_name: str = ""
    function: str = ""
    nationality: str = ""
    affiliation: str = ""
    relationship: str = ""
    message: str = ""


# Which organisations a person may ask to join


def accepts_requests(meeting: Meeting, *, today: date | None = None) -> bool:
    """Whether people may still ask to join delegations to `meeting` (until its last day)."""
    last = meeting.end_date or meeting.start_date
    return last is None or last >= (today or timezone.localdate())


def joinable(meeting: Meeting) -> "QuerySet[Organisation]":
    """The organisations invited to `meeting` (a circular about it went to them) or
    admitted to its process, active and not merged into another."""
    invited = Invitation.objects.filter(organisation=OuterRef("pk"), circular__meeting=meeting)
    admitted = Admission.objects.filter(
        organisation=OuterRef("pk"),
        process=meeting.process_id,
        status=AdmissionStatus.ADMITTED,
    )
    return Organisation.objects.filter(
        Exists(invited) | Exists(admitted),
        status=OrganisationStatus.ACTIVE,
        merged_into__isnull=True,
    )


@dataclass(frozen=True)
class SearchResult:
    """What a search answers: the organisations found, or why none is shown."""

    organisations: list[Organisation]
    too_short: bool = False
    too_many: bool = False


def search(meeting: Meeting, query: str) -> SearchResult:
    """The organisations one may ask to join whose name (or acronym) the query names.

    Exact-ish: every word typed must be a whole word of the name (accents and case
    aside), or the query is the acronym. Fewer than SEARCH_MIN_LENGTH letters: nothing;
    more than SEARCH_MAX_RESULTS matches: nothing either, so that short common words list
    nobody."""
    words = search_words(query)
    if len("".join(words)) < SEARCH_MIN_LENGTH:
        return SearchResult([], too_short=True)
    typed = " ".join(words)
    candidates = joinable(meeting)
    narrowed = Q(acronym__iexact=query.strip())
    longest = max(words, key=len)
    narrowed |= Q(name_key__contains=longest)
    found = []
    for organisation in candidates.filter(narrowed).order_by("name_key", "pk")[:200]:
        name_words = set(search_words(organisation.name))
        if fold(organisation.acronym) == typed or all(word in name_words for word in words):
            found.append(organisation)
        if len(found) > SEARCH_MAX_RESULTS:
            return SearchResult([], too_many=True)
    return SearchResult(found)


# The person's side


def _actor(request: JoinRequest) -> Actor:
    return Actor(user=None, channel=Channel.PORTAL, label=f"join request of {request.name}")


@transaction.atomic
def submit(
    meeting: Meeting, organisation: Organisation, data: JoinerData, *, language: str = ""
) -> JoinRequest:
    """Record a request to join `organisation`'s delegation and send the link that
    confirms the email address. A second request from the same address to the same
    delegation while the first is undecided replaces nothing: the first one's link is sent
    again. Raises JoinRequestError when the organisation cannot be asked."""
    if not joinable(meeting).filter(pk=organisation.pk).exists():
        raise JoinRequestError(_("Choose an organisation found by the search."))
    email = data.email.strip()
    open_request = JoinRequest.objects.filter(
        meeting=meeting,
        organisation=organisation,
        email__iexact=email,
        status__in=[JoinRequestStatus.UNCONFIRMED, JoinRequestStatus.PENDING],
    ).first()
    if open_request is not None:
        if open_request.status == JoinRequestStatus.UNCONFIRMED:
            join_emails.queue_confirmation(open_request)
        return open_request
    request = JoinRequest.objects.create(
        meeting=meeting,
        organisation=organisation,
        given_name=data.given_name.strip(),
        family_name=data.family_name.strip(),
        function=data.function.strip(),
        email=email,
        nationality=data.nationality,
        affiliation=data.affiliation.strip(),
        relationship=data.relationship,
        message=data.message.strip(),
        language=language,
    )
    audit.record(
        request,
        "summitdesk.join_request.submitted",
        actor=_actor(request),
        organisation_id=organisation.pk,
    )
    join_emails.queue_confirmation(request)
    return request


def find_own(token: str) -> JoinRequest | None:
    """The request whose live link is `token`, whatever its status (the person's own page
    of it), else None (unknown, revoked and expired alike, after one query)."""
    return join_emails.by_token(token)


def is_open(request: JoinRequest) -> bool:
    return request.status in (JoinRequestStatus.UNCONFIRMED, JoinRequestStatus.PENDING)


def find_unconfirmed(token: str) -> JoinRequest | None:
    """The unconfirmed request whose live confirmation link is `token`, else None
    (unknown, revoked, expired and already used alike, after one query)."""
    return join_emails.unconfirmed_by_token(token)


@transaction.atomic
def confirm(token: str) -> JoinRequest | None:
    """The person opened their link and confirmed: the request goes to the organisation
    (see `receive`); the link stops working. None when the link opens nothing."""
    found = find_unconfirmed(token)
    if found is None:
        return None
    return receive(found)


@transaction.atomic
def receive(request: JoinRequest) -> JoinRequest | None:
    """The request's email address is confirmed: it goes to the organisation (pending),
    flagged when the person may already be accredited, and its focal point is told (at
    most once a day); its link no longer confirms but becomes the person's page of the
    request for REQUEST_PAGE_LIFETIME. None when it was not waiting for that."""
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != JoinRequestStatus.UNCONFIRMED:
        return None
    now = timezone.now()
    duplicates = possible_duplicates(
        request.meeting, request.email, request.family_name, request.given_name
    )
    request.status = JoinRequestStatus.PENDING
    request.email_confirmed_at = now
    request.token_expires_at = now + REQUEST_PAGE_LIFETIME
    request.possible_duplicate = bool(duplicates)
    request.duplicate_notes = duplicate_notes(duplicates)
    request.save()
    audit.record(
        request,
        "summitdesk.join_request.received",
        actor=_actor(request),
        changes={"status": [JoinRequestStatus.UNCONFIRMED, JoinRequestStatus.PENDING]},
        organisation_id=request.organisation_id,
        note=_("Possibly already accredited") if duplicates else "",
    )
    notify_focal_point(request.organisation, request.meeting)
    return request


# The organisation's side


def focal_point_reply(organisation: Organisation, meeting: Meeting) -> Reply | None:
    """The organisation's reply about the meeting when it has a focal point with an email
    address (who decides its requests); None while it has none."""
    return (
        Reply.objects.select_related("focal_point")
        .filter(organisation=organisation, meeting=meeting, focal_point__isnull=False)
        .exclude(focal_point__email="")
        .first()
    )


def notify_focal_point(organisation: Organisation, meeting: Meeting) -> None:
    """Tell the focal point that requests wait, at most one email a DIGEST_INTERVAL: a
    digest already queued will say it; after a recent one, the next waits its turn."""
    reply = focal_point_reply(organisation, meeting)
    if reply is None:
        return  # the requests wait; staff see them
    join_emails.queue_digest(reply, interval=DIGEST_INTERVAL)


def inbox(reply: Reply) -> "QuerySet[JoinRequest]":
    """The requests to join the delegation of `reply`, confirmed ones only (what its
    portal shows): undecided first, then the latest."""
    return JoinRequest.objects.filter(
        organisation=reply.organisation_id, meeting=reply.meeting_id
    ).exclude(status=JoinRequestStatus.UNCONFIRMED)


def waiting_for_staff(meeting: Meeting) -> "QuerySet[JoinRequest]":
    """Undecided requests the secretariat decides: to organisations without a focal
    point, and those flagged as possibly already accredited."""
    with_focal_point = Reply.objects.filter(
        organisation=OuterRef("organisation"),
        meeting=meeting,
        focal_point__isnull=False,
    ).exclude(focal_point__email="")
    return (
        JoinRequest.objects.filter(meeting=meeting, status=JoinRequestStatus.PENDING)
        .filter(~Exists(with_focal_point) | Q(possible_duplicate=True))
        .select_related("organisation")
    )


def _member(request: JoinRequest) -> DelegateData:
    return DelegateData(
        family_name=request.family_name,
        given_name=request.given_name,
        function=request.function,
        email=request.email,
        nationality=request.nationality,
        affiliation=request.affiliation,
        relationship=request.relationship,
    )


def _add_to_delegation(request: JoinRequest, *, actor: Actor) -> Delegate:
    reply = services.reply_for(request.organisation, request.meeting)
    if reply.attending is False or reply.state == ReplyState.DECLINED:
        raise JoinRequestError(
            _("The organisation has declined the meeting: nobody can join its delegation.")
        )
    data = services.reply_data(reply)
    email = request.email.strip().casefold()
    name = (fold(request.family_name.strip()), fold(request.given_name.strip()))
    for member in data.delegates:
        if (email and member.email.strip().casefold() == email) or (
            fold(member.family_name.strip()),
            fold(member.given_name.strip()),
        ) == name:
            raise JoinRequestError(
                _("%(name)s is already a member of the delegation.") % {"name": request.name}
            )
    delegates = [*data.delegates, _member(request)]
    estimate = max(data.estimated_participants or 0, len(delegates))
    try:
        services.save_reply(
            reply,
            replace(data, delegates=delegates, estimated_participants=estimate),
            submit=False,
            actor=actor,
        )
    except services.ReplyClosed as error:
        raise JoinRequestError(
            _("The reply deadline has passed: the secretariat decides this request.")
        ) from error
    except services.ReplyError as error:
        raise JoinRequestError(str(error)) from error
    delegate = (
        services.active_delegates(reply).filter(email__iexact=request.email).order_by("-pk").first()
    )
    if delegate is None:  # pragma: no cover - save_reply keeps every member named
        raise JoinRequestError(_("The person could not be added to the delegation."))
    return delegate


@dataclass(frozen=True)
class Decision:
    request: JoinRequest
    # A flagged request the organisation accepted: it now waits for the secretariat.
    referred: bool = False


@transaction.atomic
def decide(
    request: JoinRequest,
    *,
    accept: bool,
    actor: Actor,
    reason: str = "",
    by_staff: bool = False,
    duplicate_checked: bool = False,
) -> Decision:
    """Accept (the person joins the delegation through save_reply, and is told) or
    decline (they are told, with the reason) a pending request.

    A request flagged as possibly already accredited is accepted only by staff who say
    they checked (`duplicate_checked`); the organisation's acceptance of one refers it
    to the secretariat (Decision.referred)."""
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != JoinRequestStatus.PENDING:
        raise JoinRequestError(_("This request has already been decided."))
    now = timezone.now()
    before = request.status
    if accept and request.possible_duplicate and not (by_staff and duplicate_checked):
        if not by_staff:
            request.organisation_accepted_at = now
            request.save(update_fields=["organisation_accepted_at", "updated_at"])
            audit.record(
                request,
                "summitdesk.join_request.referred",
                actor=actor,
                organisation_id=request.organisation_id,
                note=_("Accepted by the organisation; the secretariat checks a possible duplicate"),
            )
            return Decision(request, referred=True)
        raise JoinRequestError(
            _(
                "This person may already be accredited to the meeting: check, then confirm "
                "that they are not the same person."
            )
        )
    if accept:
        request.delegate = _add_to_delegation(request, actor=actor)
        request.status = JoinRequestStatus.ACCEPTED
    else:
        request.status = JoinRequestStatus.DECLINED
        request.decline_reason = reason.strip()
    request.decided_at = now
    request.decided_by = actor.name
    request.save()
    audit.record(
        request,
        "summitdesk.join_request.accepted" if accept else "summitdesk.join_request.declined",
        actor=actor,
        changes={"status": [before, request.status]},
        organisation_id=request.organisation_id,
        note=request.decline_reason[:300],
    )
    join_emails.queue_decision(request)
    return Decision(request)


@transaction.atomic
def withdraw(request: JoinRequest, *, actor: Actor, keep_link: bool = False) -> JoinRequest:
    """The person (or staff for them) takes an undecided request back; its link stops,
    unless `keep_link` (the person withdrew it from the link's page, which then says so)."""
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if not is_open(request):
        raise JoinRequestError(_("This request has already been decided."))
    before = request.status
    request.status = JoinRequestStatus.WITHDRAWN
    if not keep_link:
        request.token_revoked_at = request.token_revoked_at or timezone.now()
    request.save()
    audit.record(
        request,
        "summitdesk.join_request.withdrawn",
        actor=actor,
        changes={"status": [before, request.status]},
        organisation_id=request.organisation_id,
    )
    return request


def withdraw_own(request: JoinRequest) -> bool:
    """The person withdraws their own request from its link's page: True when it was open
    and is now withdrawn, False when it no longer was (nothing changes)."""
    try:
        withdraw(request, actor=_actor(request), keep_link=True)
    except JoinRequestError:
        return False
    return True


def expire_unconfirmed(*, now: datetime | None = None) -> int:
    """Unconfirmed requests whose link expired are deleted (nobody saw them); returns how
    many."""
    cutoff = (now or timezone.now()) - CONFIRMATION_LIFETIME
    deleted, _by_model = (
        JoinRequest.objects.filter(status=JoinRequestStatus.UNCONFIRMED)
        .filter(
            Q(token_expires_at__lt=cutoff)
            | Q(token_expires_at__isnull=True, created_at__lt=cutoff - CONFIRMATION_LIFETIME)
        )
        .delete()
    )
    return deleted
