"""Background tasks of accreditation: the emails a decision sends (accreditation.services
enqueues them in the transaction that made the decision) and the periodic identity purge.

- `send_accreditation_decision`: approved (with the badge collection instructions),
  rejected or revoked (with the reason), to the delegate and the reply's focal point.
- `send_missing_data_reminder`: what the delegate still has to give.
- `purge_identity_data` (periodic, daily): identity document data deleted after the meeting.

Emails are in the organisation's language where their translation exists (English
otherwise: see `email_language`); a delegate has no language of their own.
Tasks take ids and return quietly when the accreditation is gone or has moved on since.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from summitdesk.accreditation import (
    print_tasks,  # noqa: F401 - registers its periodic job
    services,
)
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.periodic import periodic
from summitdesk.correspondence import compose
from summitdesk.delegations.tasks import _email, _latest_invitation, _reply_to, _tidy

TEMPLATES: dict[str, str] = {
    Status.APPROVED: "accreditation/email/approved.txt",
    Status.REJECTED: "accreditation/email/rejected.txt",
    Status.REVOKED: "accreditation/email/revoked.txt",
}


#: A text every translation of these emails has: where it is untranslated, so are they.
PROBE = "Accreditation approved: %(name)s, %(meeting)s"


def email_language(language: str) -> str:
    """The organisation's language where the emails are translated into it, else English
    (never an English text labelled as another language)."""
    if language == "en":
        return language
    with translation.override(compose.django_language(language)):
        return language if _(PROBE) != PROBE else "en"


def _accreditation(pk: int) -> Accreditation | None:
    return (
        Accreditation.objects.select_related(
            "meeting", "delegate__reply__organisation", "delegate__reply__focal_point"
        )
        .filter(pk=pk)
        .first()
    )


def _send(
    accreditation: Accreditation, template: str, subject: str, **context: object
) -> list[str]:
    delegate = accreditation.delegate
    reply = delegate.reply
    focal_point = reply.focal_point
    addresses = [delegate.email, focal_point.email if focal_point else ""]
    to = list(dict.fromkeys(address for address in addresses if address))
    if not to:
        return []
    language = email_language(reply.organisation.language)
    invitation = _latest_invitation(reply)
    circular = invitation.circular if invitation else None
    meeting = accreditation.meeting
    with translation.override(compose.django_language(language)):
        body = render_to_string(
            template,
            {
                "name": str(delegate),
                "organisation": reply.organisation.name,
                "meeting": meeting.title,
                "venue": ", ".join(part for part in (meeting.city, meeting.country) if part),
                "contact_email": circular.contact_email if circular else "",
                **context,
            },
        )
        email = _email(
            subject=subject % {"meeting": meeting.title, "name": str(delegate)},
            body=_tidy(body),
            to=to,
            language=language,
            reply_to=_reply_to(circular),
        )
    email.send()
    return to


def _subject(status: str, language: str) -> str:
    with translation.override(compose.django_language(language)):
        subjects: dict[str, str] = {
            Status.APPROVED: _("Accreditation approved: %(name)s, %(meeting)s"),
            Status.REJECTED: _("Accreditation not approved: %(name)s, %(meeting)s"),
            Status.REVOKED: _("Accreditation withdrawn by the secretariat: %(name)s, %(meeting)s"),
        }
        return subjects[status]


@task()
def send_accreditation_decision(accreditation_id: int, badge_version: int) -> dict[str, list[str]]:
    """The decision as it was made; nothing when the accreditation has moved on since (its
    badge version differs: a later decision sends its own email)."""
    accreditation = _accreditation(accreditation_id)
    if (
        accreditation is None
        or accreditation.badge_version != badge_version
        or accreditation.status not in TEMPLATES
    ):
        return {"to": []}
    status = accreditation.status
    to = _send(
        accreditation,
        TEMPLATES[status],
        _subject(status, email_language(accreditation.delegate.reply.organisation.language)),
        badge_number=accreditation.badge_number,
        reason=accreditation.reason,
    )
    return {"to": to}


@task()
def send_missing_data_reminder(accreditation_id: int) -> dict[str, list[str]]:
    """A reminder of what is missing; nothing when nothing is missing any more."""
    accreditation = _accreditation(accreditation_id)
    if accreditation is None or accreditation.status not in services.COUNTED:
        return {"to": []}
    language = email_language(accreditation.delegate.reply.organisation.language)
    with translation.override(compose.django_language(language)):
        missing = services.missing_data(accreditation)
        subject = _("Accreditation: details missing for %(name)s, %(meeting)s")
    if not missing:
        return {"to": []}
    return {
        "to": _send(accreditation, "accreditation/email/missing_data.txt", subject, missing=missing)
    }


@periodic("purge-identity-data", every=datetime.timedelta(days=1))
@task()
def purge_identity_data() -> int:
    """Delete identity document data SUMMITDESK_IDENTITY_RETENTION_DAYS after the meeting."""
    return services.purge_identity_data(actor=Actor.system("identity purge"))
