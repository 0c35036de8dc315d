"""The emails a reply sends, composed here and sent through the outbox
(correspondence.messages): services.py queues them in the transaction that changed the
reply; a worker writes and sends them.

- the reply's confirmation, to the focal point and the chief executive (the organisation's
  general address when neither has one), the reply's PDF summary attached, after each
  submission;
- a newly named focal point's own reply link, issued when the email is written so that
  the token exists only in the email that carries it.

Both are in the organisation's language where translations exist (English otherwise),
from the no-reply address with Reply-To the circular's contact e-mail. An email whose
reply is gone, or whose focal point has changed again before it was written, is cancelled.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.correspondence import compose, messages, reply_links
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.messages import Attachment, Cancelled, Composed, Kind
from summitdesk.correspondence.models import Circular, Invitation, OutboundMessage
from summitdesk.correspondence.sending import link_expiry
from summitdesk.delegations import summary
from summitdesk.delegations.deadlines import deadline
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Person, Position
from summitdesk.lib import mail
from summitdesk.lib.localized import localized
from summitdesk.lib.tokens import new_token


def latest_invitation(reply: Reply) -> Invitation | None:
    """The latest invitation of the reply's organisation to the reply's meeting."""
    return (
        Invitation.objects.filter(
            organisation=reply.organisation_id, circular__meeting=reply.meeting_id
        )
        .select_related("circular")
        .order_by("-circular__date", "-pk")
        .first()
    )


def reply_to(circular: Circular | None) -> list[str]:
    """Replies go to the circular's contact e-mail (none: to nobody, from no-reply)."""
    return [circular.contact_email] if circular and circular.contact_email else []


# Queued by delegations.services


def queue_confirmation(reply: Reply) -> None:
    messages.queue(
        [
            messages.draft(
                MessageKind.REPLY_CONFIRMATION, organisation_id=reply.organisation_id, about=reply
            )
        ]
    )


def queue_focal_point_link(reply: Reply, person: Person) -> None:
    messages.queue(
        [
            messages.draft(
                MessageKind.FOCAL_POINT_LINK,
                organisation_id=reply.organisation_id,
                about=reply,
                person=person,
            )
        ]
    )


# Written by the worker


def _reply(row: OutboundMessage) -> Reply | None:
    if row.about_id is None:
        return None
    return (
        Reply.objects.select_related("organisation", "meeting", "focal_point")
        .filter(pk=row.about_id)
        .first()
    )


def _chief_executive_email(reply: Reply) -> str:
    position = (
        Position.objects.filter(
            organisation=reply.organisation_id, role=PositionRole.CHIEF_EXECUTIVE
        )
        .select_related("person")
        .first()
    )
    return position.person.email if position else ""


def _deadline_text(reply: Reply, language: str) -> str:
    return compose.format_deadline(deadline(reply), reply.meeting.time_zone, language)


def compose_confirmation(row: OutboundMessage) -> Composed | Cancelled:
    """The reply's confirmation as it stands now, its PDF summary attached."""
    reply = _reply(row)
    if reply is None:
        return Cancelled(_("The reply is gone."))
    addresses = [
        reply.focal_point.email if reply.focal_point else "",
        _chief_executive_email(reply),
    ]
    to = list(dict.fromkeys(address for address in addresses if address))
    if not to and reply.organisation.email:
        to = [reply.organisation.email]
    if not to:
        return Cancelled(_("Neither the focal point nor the organisation has an email address."))
    language = reply.organisation.language
    circular = invitation.circular if (invitation := latest_invitation(reply)) else None
    with translation.override(compose.django_language(language)):
        reply_summary = summary.summary_for(reply, now=timezone.now())
        pdf = summary.render_summary(reply_summary)
        attachment = summary.file_name(reply)
        focal_point = reply_summary.focal_point
        body = render_to_string(
            "delegations/email/reply_confirmation.txt",
            {
                "organisation": reply_summary.organisation,
                "meeting": reply_summary.meeting,
                "state": reply_summary.state,
                "submitted_at": reply_summary.submitted_at,
                "declined": reply_summary.declined,
                "decline_reason": reply_summary.decline_reason,
                "focal_point": focal_point.name if focal_point else "",
                "estimate": reply_summary.estimate,
                "head": reply_summary.head,
                "head_level": reply_summary.head_level,
                "named": len(reply_summary.members),
                "attachment": attachment,
                "deadline": _deadline_text(reply, language),
                "contact_email": circular.contact_email if circular else "",
            },
        )
        subject = _("Reply received: %(organisation)s, %(meeting)s") % {
            "organisation": reply.organisation.name,
            "meeting": localized(reply.meeting, "title"),
        }
    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=to,
        language=language,
        reply_to=reply_to(circular),
        attachment=Attachment(name=attachment, content=pdf),
    )


def compose_focal_point_link(row: OutboundMessage) -> Composed | Cancelled:
    """The focal point's own reply link (expiring after the meeting), saved when stored."""
    reply = _reply(row)
    if reply is None:
        return Cancelled(_("The reply is gone."))
    person = reply.focal_point
    if person is None or person.pk != row.person_id:
        return Cancelled(_("The person is no longer the reply's focal point."))
    if not person.email:
        return Cancelled(_("The focal point has no email address."))
    language = reply.organisation.language
    invitation = latest_invitation(reply)
    token = new_token()
    with translation.override(compose.django_language(language)):
        name = " ".join(
            part for part in (person.title, person.given_name, person.family_name) if part
        )
        body = render_to_string(
            "delegations/email/focal_point_link.txt",
            {
                "name": name,
                "organisation": reply.organisation.name,
                "meeting": localized(reply.meeting, "title"),
                "url": reply_links.reply_url(token),
                "deadline": _deadline_text(reply, language),
                "contact_email": invitation.circular.contact_email if invitation else "",
            },
        )
        subject = _("Your personal link to reply for %(organisation)s") % {
            "organisation": reply.organisation.name
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


def reply_link_alive(body: str) -> bool:
    token = compose.token_in(body)
    return token is None or reply_links.find(token) is not None


messages.register(MessageKind.REPLY_CONFIRMATION, Kind(compose=compose_confirmation))
messages.register(
    MessageKind.FOCAL_POINT_LINK,
    Kind(compose=compose_focal_point_link, link_alive=reply_link_alive),
)
