"""What every email SummitDesk sends about a reply has in common: the message itself
(plain text with its HTML rendering, from the no-reply address, Reply-To the circular's
contact, labelled with its language), the text tidied, and the invitation whose circular
gives the contact address."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from summitdesk.correspondence import compose
from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.delegations.models import Reply


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


def reply_to(circular: Circular | None) -> list[str] | None:
    return [circular.contact_email] if circular and circular.contact_email else None


def email(
    *,
    subject: str,
    body: str,
    to: list[str],
    language: str,
    reply_to: list[str] | None,
) -> EmailMultiAlternatives:
    """The message, with `body` also as HTML; the subject on one line."""
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
        headers={"Content-Language": language},
    )
    message.attach_alternative(
        compose.html_body(body, subject=subject, language=language), "text/html"
    )
    return message


def tidy(text: str) -> str:
    """Template output as plain text: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidied: list[str] = []
    for line in lines:
        if line or (tidied and tidied[-1]):
            tidied.append(line)
    return "\n".join(tidied) + "\n"
