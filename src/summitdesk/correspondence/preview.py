"""A circular as one organisation will receive it, before anything is sent.

The letter and the email are built by compose's own builders from unsaved rows (a mailing,
an invitation, an outbox row), so a preview says exactly what the letter will say; only
the reply link is a placeholder: no link is issued, nothing is stored or sent.
"""

from dataclasses import dataclass

from summitdesk.correspondence import compose, services
from summitdesk.correspondence.enums import MailingKind
from summitdesk.correspondence.letters import Letter, render_letter
from summitdesk.correspondence.models import Circular, Invitation, Mailing, OutboundMessage
from summitdesk.directory.enums import Language, PositionRole
from summitdesk.directory.models import Organisation, Position

#: In place of a personal token: the letter shows `{BASE_URL}/reply/PREVIEW/`.
PREVIEW_TOKEN = "PREVIEW"  # noqa: S105 -- a placeholder, not a secret


@dataclass(frozen=True)
class EmailPreview:
    language: str
    language_label: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str
    attachment_name: str


def _unsaved(
    circular: Circular, organisation: Organisation
) -> tuple[OutboundMessage, compose.MailingContext]:
    mailing = Mailing(circular=circular, kind=MailingKind.LETTER)
    invitation = Invitation(
        circular=circular, organisation=organisation, language=organisation.language
    )
    people: dict[str, Position] = {}
    roles = [PositionRole.CHIEF_EXECUTIVE, PositionRole.FOCAL_POINT]
    for position in organisation.positions.filter(role__in=roles).select_related("person"):
        people[position.role] = position
    to, cc = services.recipients(organisation, people)
    message = OutboundMessage(
        kind=mailing.kind,
        organisation=invitation.organisation,
        mailing=mailing,
        invitation=invitation,
        to=to,
        cc=cc,
    )
    context = compose.MailingContext(mailing=mailing, circular=circular, meeting=circular.meeting)
    return message, context


def letter(circular: Circular, organisation: Organisation) -> Letter:
    """The letter `organisation` would receive, with the placeholder reply link.

    Raises compose.ComposeError when the circular has no usable text.
    """
    message, context = _unsaved(circular, organisation)
    return compose.letter_for(message, PREVIEW_TOKEN, context)


def letter_pdf(circular: Circular, organisation: Organisation) -> bytes:
    return render_letter(letter(circular, organisation))


def email_for(circular: Circular, organisation: Organisation) -> EmailPreview:
    """The email `organisation` would receive: recipients, subject, text and HTML parts."""
    message, context = _unsaved(circular, organisation)
    built = compose.letter_for(message, PREVIEW_TOKEN, context)
    subject, text = compose.email_text(message, built, context)
    return EmailPreview(
        language=built.language,
        language_label=str(dict(Language.choices).get(built.language, built.language)),
        to=list(message.to),
        cc=list(message.cc),
        subject=subject,
        text=text,
        html=compose.html_body(text, subject=subject, language=built.language),
        attachment_name=compose.attachment_name(message, context),
    )
