"""The email of a walk-in waiting for the focal point: when the registration desk asks
the focal point to confirm a walk-in through their link (walk_ins.request_confirmation),
the reply's focal point is emailed once, in the organisation's language, with a personal
link to the portal's "Walk-ins to confirm". The link is issued when the email is written
(like a newly named focal point's link), so its token exists only in the email that
carries it. Cancelled when the request has been answered meanwhile, or the reply has no
focal point with an address."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.correspondence import compose, messages, reply_links
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.messages import Cancelled, Composed, Kind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.correspondence.sending import link_expiry
from summitdesk.delegations.emails import latest_invitation, reply_link_alive, reply_to
from summitdesk.lib import mail
from summitdesk.lib.localized import localized
from summitdesk.lib.tokens import new_token
from summitdesk.onsite.models import WalkInRequest


def queue_walk_in_to_confirm(request: WalkInRequest) -> None:
    """Put the email in the outbox, in the transaction that recorded the request."""
    messages.queue(
        [
            messages.draft(
                MessageKind.WALK_IN_TO_CONFIRM,
                organisation_id=request.reply.organisation_id,
                about=request,
                person=request.reply.focal_point,
            )
        ]
    )


def walk_ins_url(token: str) -> str:
    """The focal point's "Walk-ins to confirm" page under the link `token`."""
    return f"{reply_links.reply_url(token)}walk-ins/"


def compose_walk_in_to_confirm(row: OutboundMessage) -> Composed | Cancelled:
    request = (
        WalkInRequest.objects.select_related(
            "reply__organisation", "reply__meeting", "reply__focal_point"
        )
        .filter(pk=row.about_id or 0)
        .first()
    )
    if request is None:
        return Cancelled(_("The walk-in is gone."))
    if request.decided_at is not None:
        return Cancelled(_("The focal point has already answered for this walk-in."))
    reply = request.reply
    person = reply.focal_point
    if person is None or not person.email:
        return Cancelled(_("The reply has no focal point with an email address."))
    language = reply.organisation.language
    invitation = latest_invitation(reply)
    token = new_token()
    with translation.override(compose.django_language(language)):
        name = " ".join(
            part for part in (person.title, person.given_name, person.family_name) if part
        )
        walk_in = " ".join(part for part in (request.given_name, request.family_name) if part)
        body = render_to_string(
            "onsite/email/walk_in_to_confirm.txt",
            {
                "name": name,
                "walk_in": walk_in,
                "function": request.function,
                "organisation": reply.organisation.name,
                "meeting": localized(reply.meeting, "title"),
                "url": walk_ins_url(token),
            },
        )
        subject = _("Please confirm a walk-in of %(organisation)s: %(name)s") % {
            "organisation": reply.organisation.name,
            "name": walk_in,
        }

    def store_link() -> None:
        reply_links.issue(
            reply.organisation,
            reply.meeting,
            invitation=invitation,
            person=person,
            expires_at=link_expiry(reply.meeting),
            token=token,
        )

    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=[person.email],
        language=language,
        reply_to=reply_to(invitation.circular if invitation else None),
        store_link=store_link,
    )


messages.register(
    MessageKind.WALK_IN_TO_CONFIRM,
    Kind(compose=compose_walk_in_to_confirm, link_alive=reply_link_alive),
)
