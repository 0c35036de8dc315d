"""The emails of accreditation, composed here and sent through the outbox
(correspondence.messages); accreditation.services queues them in the transaction that
made them necessary, a worker writes and sends them.

- a decision: approved (with the badge collection instructions), rejected or revoked
  (with the reason), to the delegate and the reply's focal point;
- a delegate's own link to complete their accreditation, issued when the email is written
  so that the token exists only in the email that carries it (the ones sent before stop
  working);
- a reminder of what the delegate still has to give, to them and the focal point, with a
  new link of the delegate's own when they have an email address.

One template per email, every language through the gettext catalogues: an email is in the
organisation's language (a delegate has none of their own) where the catalogue translates
it, else in English (see `email_language`). An email about an accreditation gone, or that
has moved on since it was queued, is cancelled.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.accreditation import completeness, delegate_links
from summitdesk.accreditation.enums import COUNTED, DETACHED
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.correspondence import compose, messages
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.messages import Cancelled, Composed, Kind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations.emails import latest_invitation, reply_to
from summitdesk.delegations.models import Delegate
from summitdesk.lib import mail
from summitdesk.lib.localized import localized
from summitdesk.lib.tokens import new_token

#: The kind of email announcing each decision.
DECISIONS: dict[str, MessageKind] = {
    Status.APPROVED: MessageKind.ACCREDITATION_APPROVED,
    Status.REJECTED: MessageKind.ACCREDITATION_REJECTED,
    Status.REVOKED: MessageKind.ACCREDITATION_REVOKED,
}
#: Each kind's template in `accreditation/email/`.
TEMPLATES: dict[str, str] = {
    MessageKind.ACCREDITATION_APPROVED: "approved.txt",
    MessageKind.ACCREDITATION_REJECTED: "rejected.txt",
    MessageKind.ACCREDITATION_REVOKED: "revoked.txt",
    MessageKind.MISSING_DATA: "missing_data.txt",
    MessageKind.DELEGATE_LINK: "delegate_link.txt",
}

#: A text every translation of these emails has: where it is untranslated, so are they.
PROBE = "Accreditation approved: %(name)s, %(meeting)s"

LINK_ACTOR = Actor.system("delegate link")


def email_language(language: str) -> str:
    """The organisation's language where the emails exist in it, else English (never an
    English text labelled as another language)."""
    if language == "en":
        return language
    with translation.override(compose.django_language(language)):
        return language if _(PROBE) != PROBE else "en"


def _subject(kind: str) -> str:
    subjects: dict[str, str] = {
        MessageKind.ACCREDITATION_APPROVED: _("Accreditation approved: %(name)s, %(meeting)s"),
        MessageKind.ACCREDITATION_REJECTED: _("Accreditation not approved: %(name)s, %(meeting)s"),
        MessageKind.ACCREDITATION_REVOKED: _(
            "Accreditation withdrawn by the secretariat: %(name)s, %(meeting)s"
        ),
        MessageKind.MISSING_DATA: _("Accreditation: details missing for %(name)s, %(meeting)s"),
        MessageKind.DELEGATE_LINK: _("Complete your accreditation: %(meeting)s"),
    }
    return subjects[kind]


# Queued by accreditation.services


def _draft(kind: MessageKind, accreditation: Accreditation, **params: object) -> OutboundMessage:
    return messages.draft(
        kind,
        organisation_id=accreditation.delegate.reply.organisation_id,
        about=accreditation,
        params=params,
    )


def queue_decision(accreditation: Accreditation) -> None:
    """The decision as it is now: cancelled if another one is made before it is written."""
    kind = DECISIONS[accreditation.status]
    messages.queue([_draft(kind, accreditation, badge_version=accreditation.badge_version)])


def queue_delegate_links(accreditations: list[Accreditation]) -> None:
    """Each delegate's own link (the delegates and their reply loaded)."""
    messages.queue([_draft(MessageKind.DELEGATE_LINK, each) for each in accreditations])


def queue_missing_data(accreditations: list[Accreditation]) -> None:
    messages.queue([_draft(MessageKind.MISSING_DATA, each) for each in accreditations])


# Written by the worker


def _accreditation(row: OutboundMessage) -> Accreditation | None:
    if row.about_id is None:
        return None
    return (
        Accreditation.objects.select_related(
            "meeting", "delegate__reply__organisation", "delegate__reply__focal_point"
        )
        .filter(pk=row.about_id)
        .first()
    )


def _collection_from(accreditation: Accreditation, language: str) -> str:
    """When the badge desk opens: the day before the meeting, written out in `language`."""
    start = accreditation.meeting.start_date
    if start is None:
        return ""
    return compose.format_date(start - datetime.timedelta(days=1), language)


def _focal_point_email(accreditation: Accreditation) -> str:
    focal_point = accreditation.delegate.reply.focal_point
    return focal_point.email if focal_point else ""


def _written(
    accreditation: Accreditation, kind: str, to: list[str], **context: object
) -> Composed | Cancelled:
    """The email `kind` about `accreditation`, to the addresses of `to` that are not
    empty, in the organisation's language."""
    to = list(dict.fromkeys(address for address in to if address))
    if not to:
        return Cancelled(_("Neither the delegate nor the focal point has an email address."))
    delegate = accreditation.delegate
    reply = delegate.reply
    language = email_language(reply.organisation.language)
    invitation = latest_invitation(reply)
    circular = invitation.circular if invitation else None
    meeting = accreditation.meeting
    with translation.override(compose.django_language(language)):
        body = render_to_string(
            f"accreditation/email/{TEMPLATES[kind]}",
            {
                "name": str(delegate),
                "organisation": reply.organisation.name,
                "meeting": localized(meeting, "title"),
                "venue": ", ".join(part for part in (meeting.city, meeting.country) if part),
                "collection_from": _collection_from(accreditation, language),
                "contact_email": circular.contact_email if circular else "",
                "missing": completeness.missing_data(accreditation),
                "returning_from": _returning_from(delegate),
                **context,
            },
        )
        subject = _subject(kind) % {"meeting": localized(meeting, "title"), "name": str(delegate)}
    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=to,
        language=language,
        reply_to=reply_to(circular),
    )


def _returning_from(delegate: Delegate) -> str:
    """The title of the earlier meeting a returning delegate still to confirm comes from."""
    if not delegate.awaits_confirmation or delegate.returning_from is None:
        return ""
    return localized(delegate.returning_from.reply.meeting, "title")


def compose_decision(row: OutboundMessage) -> Composed | Cancelled:
    """The decision as it was made; cancelled when the accreditation has moved on since
    (its badge version differs: a later decision sends its own email)."""
    accreditation = _accreditation(row)
    if accreditation is None:
        return Cancelled(_("The accreditation is gone."))
    if (
        accreditation.badge_version != row.params.get("badge_version")
        or DECISIONS.get(accreditation.status) != row.kind
    ):
        return Cancelled(_("Another decision was made since: it has its own email."))
    return _written(
        accreditation,
        row.kind,
        [accreditation.delegate.email, _focal_point_email(accreditation)],
        badge_number=accreditation.badge_number,
        reason=accreditation.reason,
    )


def _with_link(
    composed: Composed | Cancelled, accreditation: Accreditation, token: str
) -> Composed | Cancelled:
    if isinstance(composed, Cancelled):
        return composed

    def store_link() -> None:
        delegate_links.issue(accreditation, actor=LINK_ACTOR, token=token)

    return Composed(
        subject=composed.subject,
        body=composed.body,
        to=composed.to,
        language=composed.language,
        reply_to=composed.reply_to,
        store_link=store_link,
    )


def compose_delegate_link(row: OutboundMessage) -> Composed | Cancelled:
    """A delegate's own link (a new one: those sent before stop working once it is
    stored); cancelled for a delegate without an email address or an accreditation
    withdrawn or revoked since."""
    accreditation = _accreditation(row)
    if accreditation is None:
        return Cancelled(_("The accreditation is gone."))
    if accreditation.status in DETACHED:
        return Cancelled(_("The accreditation was withdrawn or revoked."))
    if not accreditation.delegate.email:
        return Cancelled(_("The delegate has no email address."))
    token = new_token()
    url = delegate_links.delegate_url(token)
    composed = _written(accreditation, row.kind, [accreditation.delegate.email], url=url)
    return _with_link(composed, accreditation, token)


def compose_missing_data(row: OutboundMessage) -> Composed | Cancelled:
    """What is missing, to the delegate and the focal point, with a new link of the
    delegate's own when they have an email address; cancelled when nothing is missing
    any more."""
    accreditation = _accreditation(row)
    if accreditation is None:
        return Cancelled(_("The accreditation is gone."))
    if accreditation.status not in COUNTED:
        return Cancelled(_("The accreditation is no longer pending or approved."))
    if not completeness.missing_fields(accreditation):
        return Cancelled(_("Nothing is missing any more."))
    to = [accreditation.delegate.email, _focal_point_email(accreditation)]
    if not accreditation.delegate.email:
        return _written(accreditation, row.kind, to, url="")
    token = new_token()
    composed = _written(accreditation, row.kind, to, url=delegate_links.delegate_url(token))
    return _with_link(composed, accreditation, token)


def delegate_link_alive(body: str) -> bool:
    token = delegate_links.token_in(body)
    return token is None or delegate_links.is_live(token)


for _kind in DECISIONS.values():
    messages.register(_kind, Kind(compose=compose_decision))
messages.register(
    MessageKind.DELEGATE_LINK,
    Kind(compose=compose_delegate_link, link_alive=delegate_link_alive),
)
messages.register(
    MessageKind.MISSING_DATA, Kind(compose=compose_missing_data, link_alive=delegate_link_alive)
)
