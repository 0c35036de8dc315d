"""The emails of requests to join a delegation, through the outbox (correspondence.messages):

- to the person, the link that confirms their email address (the token is made when the
  email is written and only its hash saved, as every personal link);
- to the organisation's focal point, a digest of the requests waiting for a decision, at
  most one a day per organisation and meeting;
- to the person, the decision.

The person's emails are in the language of the page they wrote on; the focal point's in
the organisation's language.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.correspondence import compose, messages
from summitdesk.correspondence.enums import MessageKind, MessageState
from summitdesk.correspondence.messages import Cancelled, Composed, Kind
from summitdesk.correspondence.models import Invitation, OutboundMessage
from summitdesk.correspondence.sending import ensure_task
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.models import JoinRequest, Reply
from summitdesk.lib import mail
from summitdesk.lib.localized import localized
from summitdesk.lib.tokens import hash_token, new_token

#: How long the confirmation link works once written.
LINK_LIFETIME = timedelta(days=3)
#: Once confirmed, the same link is the person's page of their request for this long
#: (where they see what became of it and may withdraw it while it is undecided).
REQUEST_PAGE_LIFETIME = timedelta(days=60)
#: The most requests a digest names (the rest are counted).
DIGEST_NAMES = 20
#: A focal point is told of new requests at most once in this time.
DIGEST_INTERVAL = timedelta(days=1)


def _latest_invitation(organisation_id: int, meeting_id: int) -> Invitation | None:
    """The organisation's latest invitation to the meeting (as delegations.emails's, which
    this module cannot import: the reply services import this one)."""
    return (
        Invitation.objects.filter(organisation=organisation_id, circular__meeting=meeting_id)
        .select_related("circular")
        .order_by("-circular__date", "-pk")
        .first()
    )


def confirmation_url(token: str) -> str:
    return f"{settings.SUMMITDESK_BASE_URL}/join/confirm/{token}/"


def unconfirmed_by_token(token: str) -> JoinRequest | None:
    """The unconfirmed request whose live link is `token`, else None (unknown, revoked,
    expired and confirmed alike, after one query)."""
    found = by_token(token)
    return found if found is not None and found.status == JoinRequestStatus.UNCONFIRMED else None


def by_token(token: str) -> JoinRequest | None:
    """The request, whatever its status, whose live link is `token`, else None (unknown,
    revoked and expired alike, after one query): the person's own page of it."""
    found = (
        JoinRequest.objects.select_related("meeting", "organisation")
        .filter(token_hash=hash_token(token), token_revoked_at__isnull=True)
        .first()
    )
    if found is None or found.token_expires_at is None:
        return None
    return found if found.token_expires_at > timezone.now() else None


# Queued by join_requests


def queue_confirmation(request: JoinRequest) -> None:
    messages.queue(
        [
            messages.draft(
                MessageKind.JOIN_REQUEST_CONFIRMATION,
                organisation_id=request.organisation_id,
                about=request,
            )
        ]
    )


def queue_decision(request: JoinRequest) -> None:
    messages.queue(
        [
            messages.draft(
                MessageKind.JOIN_REQUEST_DECISION,
                organisation_id=request.organisation_id,
                about=request,
            )
        ]
    )


def queue_digest(reply: Reply, *, interval: timedelta = DIGEST_INTERVAL) -> None:
    """A digest for the focal point of `reply`: none when one is already waiting to be
    sent (it will name the new requests too); after one within `interval`, the next is
    due `interval` after it."""
    digests = OutboundMessage.objects.filter(
        kind=MessageKind.JOIN_REQUEST_DIGEST, about_type="delegations.reply", about_id=reply.pk
    )
    if digests.filter(state=MessageState.QUEUED).exists():
        return
    now = timezone.now()
    due = now
    last = digests.order_by("-pk").first()
    if last is not None:
        last_due = datetime.fromisoformat(str(last.params.get("due") or last.created_at))
        due = max(now, last_due + interval)
    row = messages.draft(
        MessageKind.JOIN_REQUEST_DIGEST,
        organisation_id=reply.organisation_id,
        about=reply,
        person=reply.focal_point,
        params={"due": due.isoformat()},
    )
    if due > now:
        row.next_attempt_at = due
    messages.queue([row])
    if due > now:
        ensure_task(None, run_after=due)


def tell_new_focal_point(reply: Reply) -> None:
    """A focal point newly named learns of the requests already waiting (a digest)."""
    if JoinRequest.objects.filter(
        organisation=reply.organisation_id,
        meeting=reply.meeting_id,
        status=JoinRequestStatus.PENDING,
    ).exists():
        queue_digest(reply)


# Written by the worker


def _request(row: OutboundMessage) -> JoinRequest | None:
    if row.about_id is None:
        return None
    return (
        JoinRequest.objects.select_related("meeting", "organisation")
        .filter(pk=row.about_id)
        .first()
    )


def _language(request: JoinRequest) -> str:
    return request.language or settings.LANGUAGE_CODE


def _contact(request: JoinRequest) -> str:
    invitation = _latest_invitation(request.organisation_id, request.meeting_id)
    return invitation.circular.contact_email if invitation else ""


def compose_confirmation(row: OutboundMessage) -> Composed | Cancelled:
    """The link that confirms the person's email address (a new one each time: the
    earlier one stops working when this one is saved)."""
    request = _request(row)
    if request is None or request.status != JoinRequestStatus.UNCONFIRMED:
        return Cancelled(_("The request is no longer waiting for its confirmation."))
    token = new_token()
    language = _language(request)
    with translation.override(language):
        body = render_to_string(
            "delegations/email/join_confirmation.txt",
            {
                "name": request.name,
                "organisation": request.organisation.name,
                "meeting": localized(request.meeting, "title"),
                "url": confirmation_url(token),
                "days": LINK_LIFETIME.days,
            },
        )
        subject = _("Confirm your request to join the delegation of %(organisation)s") % {
            "organisation": request.organisation.name
        }

    def store_link() -> None:
        JoinRequest.objects.filter(pk=request.pk).update(
            token_hash=hash_token(token),
            token_expires_at=timezone.now() + LINK_LIFETIME,
            token_revoked_at=None,
        )

    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=[request.email],
        language=language,
        store_link=store_link,
    )


def compose_decision(row: OutboundMessage) -> Composed | Cancelled:
    request = _request(row)
    if request is None or request.status not in (
        JoinRequestStatus.ACCEPTED,
        JoinRequestStatus.DECLINED,
    ):
        return Cancelled(_("The request has no decision to announce."))
    language = _language(request)
    with translation.override(language):
        body = render_to_string(
            "delegations/email/join_decision.txt",
            {
                "name": request.name,
                "organisation": request.organisation.name,
                "meeting": localized(request.meeting, "title"),
                "accepted": request.status == JoinRequestStatus.ACCEPTED,
                "reason": request.decline_reason,
                "contact_email": _contact(request),
            },
        )
        subject = (
            _("You are in the delegation of %(organisation)s")
            if request.status == JoinRequestStatus.ACCEPTED
            else _("Your request to join the delegation of %(organisation)s was declined")
        ) % {"organisation": request.organisation.name}
    return Composed(subject=subject, body=mail.tidy(body), to=[request.email], language=language)


def compose_digest(row: OutboundMessage) -> Composed | Cancelled:
    """The requests waiting for the focal point's decision, as they stand when written."""
    if row.about_id is None:
        return Cancelled(_("The organisation has no focal point to tell."))
    reply = (
        Reply.objects.select_related("organisation", "meeting", "focal_point")
        .filter(pk=row.about_id)
        .first()
    )
    if reply is None or reply.focal_point is None or not reply.focal_point.email:
        return Cancelled(_("The organisation has no focal point to tell."))
    waiting = list(
        JoinRequest.objects.filter(
            organisation=reply.organisation_id,
            meeting=reply.meeting_id,
            status=JoinRequestStatus.PENDING,
        ).order_by("created_at", "pk")
    )
    if not waiting:
        return Cancelled(_("No request is waiting any more."))
    language = reply.organisation.language
    person = reply.focal_point
    with translation.override(compose.django_language(language)):
        body = render_to_string(
            "delegations/email/join_digest.txt",
            {
                "name": " ".join(
                    p for p in (person.title, person.given_name, person.family_name) if p
                ),
                "organisation": reply.organisation.name,
                "meeting": localized(reply.meeting, "title"),
                "count": len(waiting),
                "names": [request.name for request in waiting[:DIGEST_NAMES]],
                "contact_email": _contact(waiting[0]),
            },
        )
        subject = _("Requests to join the delegation of %(organisation)s") % {
            "organisation": reply.organisation.name
        }
    JoinRequest.objects.filter(pk__in=[request.pk for request in waiting]).update(
        notified_at=timezone.now()
    )
    invitation = _latest_invitation(reply.organisation_id, reply.meeting_id)
    contact = invitation.circular.contact_email if invitation else ""
    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=[person.email],
        language=language,
        reply_to=[contact] if contact else [],
    )


def confirmation_link_alive(body: str) -> bool:
    prefix = confirmation_url("\0").partition("\0")[0]
    start = body.find(prefix)
    if start < 0:
        return True
    token = body[start + len(prefix) :].split("/", 1)[0]
    return unconfirmed_by_token(token) is not None


messages.register(
    MessageKind.JOIN_REQUEST_CONFIRMATION,
    Kind(compose=compose_confirmation, link_alive=confirmation_link_alive),
)
messages.register(MessageKind.JOIN_REQUEST_DECISION, Kind(compose=compose_decision))
messages.register(MessageKind.JOIN_REQUEST_DIGEST, Kind(compose=compose_digest))
