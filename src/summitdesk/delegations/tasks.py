"""Background tasks of the delegations: the emails a reply sends (services.py enqueues them
in the transaction that changed the reply; nothing leaves the process anywhere else).

- `send_reply_confirmation`: to the focal point and the chief executive, the reply's PDF
  summary attached, after each submission.
- `send_focal_point_link`: a newly named focal point's own reply link, issued here so that
  the token exists only in the email that carries it.

Both are in the organisation's language where translations exist (English otherwise), from
the no-reply address with Reply-To the circular's contact e-mail. The tasks take ids and
return quietly when what they were about is gone or has changed meanwhile.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from summitdesk.correspondence import compose, reply_links
from summitdesk.delegations import services, summary
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Person, Position
from summitdesk.lib import mail


@dataclass(frozen=True)
class Sent:
    """What a task sent, for the task's result (the logs)."""

    to: list[str]

    def as_dict(self) -> dict[str, list[str]]:
        return {"to": self.to}


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
    return compose.format_deadline(services.deadline(reply), reply.meeting.time_zone, language)


def send_confirmation(reply: Reply) -> Sent:
    """Email the reply's confirmation, its PDF summary attached, to the focal point and the
    chief executive (the organisation's general address when neither has one)."""
    addresses = [
        reply.focal_point.email if reply.focal_point else "",
        _chief_executive_email(reply),
    ]
    to = list(dict.fromkeys(address for address in addresses if address))
    if not to and reply.organisation.email:
        to = [reply.organisation.email]
    if not to:
        return Sent(to=[])
    language = reply.organisation.language
    circular = invitation.circular if (invitation := mail.latest_invitation(reply)) else None
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
            "meeting": reply.meeting.title,
        }
        email = mail.email(
            subject=subject,
            body=mail.tidy(body),
            to=to,
            language=language,
            reply_to=mail.reply_to(circular),
        )
    email.attach(attachment, pdf, summary.CONTENT_TYPE)
    email.send()
    return Sent(to=to)


def send_link(reply: Reply, person: Person) -> Sent:
    """Issue `person` their own reply link (expiring after the meeting) and email it."""
    from summitdesk.correspondence.sending import link_expiry  # sending imports much

    if not person.email:
        return Sent(to=[])
    language = reply.organisation.language
    invitation = mail.latest_invitation(reply)
    _link, token = reply_links.issue(
        reply.organisation,
        reply.meeting,
        invitation=invitation,
        person=person,
        expires_at=link_expiry(reply.meeting),
    )
    with translation.override(compose.django_language(language)):
        name = " ".join(
            part for part in (person.title, person.given_name, person.family_name) if part
        )
        body = render_to_string(
            "delegations/email/focal_point_link.txt",
            {
                "name": name,
                "organisation": reply.organisation.name,
                "meeting": reply.meeting.title,
                "url": reply_links.reply_url(token),
                "deadline": _deadline_text(reply, language),
                "contact_email": invitation.circular.contact_email if invitation else "",
            },
        )
        subject = _("Your personal link to reply for %(organisation)s") % {
            "organisation": reply.organisation.name
        }
        email = mail.email(
            subject=subject,
            body=mail.tidy(body),
            to=[person.email],
            language=language,
            reply_to=mail.reply_to(invitation.circular if invitation else None),
        )
    email.send()
    return Sent(to=[person.email])


def _reply(reply_id: int) -> Reply | None:
    return (
        Reply.objects.select_related("organisation", "meeting", "focal_point")
        .filter(pk=reply_id)
        .first()
    )


@task()
def send_reply_confirmation(reply_id: int) -> dict[str, list[str]]:
    """The confirmation of a submitted reply; nothing when the reply is gone."""
    reply = _reply(reply_id)
    if reply is None:
        return Sent(to=[]).as_dict()
    return send_confirmation(reply).as_dict()


@task()
def send_focal_point_link(reply_id: int, person_id: int) -> dict[str, list[str]]:
    """A new focal point's own link; nothing when they are no longer the focal point (the
    reply changed again before this ran) or the reply is gone."""
    reply = _reply(reply_id)
    if reply is None or reply.focal_point is None or reply.focal_point_id != person_id:
        return Sent(to=[]).as_dict()
    return send_link(reply, reply.focal_point).as_dict()
