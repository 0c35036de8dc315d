"""Background tasks of accreditation: the emails a decision sends (accreditation.services
enqueues them in the transaction that made the decision), delegates' own links, and the
periodic identity purge.

- `send_accreditation_decision`: approved (with the badge collection instructions),
  rejected or revoked (with the reason), to the delegate and the reply's focal point.
- `send_delegate_link`: a delegate's own link to complete their accreditation, issued
  here so that the token exists only in the email that carries it (`send_delegate_links`
  for the new delegates of a reply, in one task).
- `send_missing_data_reminder`: what the delegate still has to give, to them and the focal
  point, with a new link of the delegate's own (the one sent before stops working: tokens
  are never stored).
- `purge_identity_data` (periodic, daily): identity document data deleted after the meeting.

Emails are in the organisation's language (a delegate has none of their own) where their
text exists: English, French and Spanish are written as templates of their own
(`accreditation/email/<language>/`), other languages use the gettext catalogue where it is
translated, else English (see `email_language`).
Tasks take ids and return quietly when the accreditation is gone or has moved on since.
"""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from summitdesk.accreditation import (
    delegate_links,
    print_tasks,  # noqa: F401 - registers its periodic job
    services,
)
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.periodic import periodic
from summitdesk.correspondence import compose
from summitdesk.lib import mail

#: The emails, by kind: the template's name in `accreditation/email/` (English, through
#: gettext) and in `accreditation/email/<language>/` (a language of WRITTEN).
TEMPLATES: dict[str, str] = {
    Status.APPROVED: "approved.txt",
    Status.REJECTED: "rejected.txt",
    Status.REVOKED: "revoked.txt",
    "missing": "missing_data.txt",
    "link": "delegate_link.txt",
}
#: Languages whose emails are written as their own templates, with their subjects and the
#: names of the details a reminder lists. English is the gettext source text.
WRITTEN: dict[str, dict[str, str]] = {
    "fr": {
        Status.APPROVED: "Accréditation approuvée : %(name)s, %(meeting)s",
        Status.REJECTED: "Accréditation non approuvée : %(name)s, %(meeting)s",
        Status.REVOKED: "Accréditation retirée par le secrétariat : %(name)s, %(meeting)s",
        "missing": "Accréditation : informations manquantes pour %(name)s, %(meeting)s",
        "link": "Complétez votre accréditation : %(meeting)s",
        "passport_given_name": "prénom(s) comme dans le passeport",
        "passport_family_name": "nom de famille comme dans le passeport",
        "document_number": "numéro du document d'identité",
        "photo": "photo",
    },
    "es": {
        Status.APPROVED: "Acreditación aprobada: %(name)s, %(meeting)s",
        Status.REJECTED: "Acreditación no aprobada: %(name)s, %(meeting)s",
        Status.REVOKED: "Acreditación retirada por la secretaría: %(name)s, %(meeting)s",
        "missing": "Acreditación: faltan datos de %(name)s, %(meeting)s",
        "link": "Complete su acreditación: %(meeting)s",
        "passport_given_name": "nombre(s) como en el pasaporte",
        "passport_family_name": "apellido(s) como en el pasaporte",
        "document_number": "número del documento de identidad",
        "photo": "fotografía",
    },
}


#: A text every gettext translation of these emails has: where it is untranslated, so are
#: they.
PROBE = "Accreditation approved: %(name)s, %(meeting)s"


def email_language(language: str) -> str:
    """The organisation's language where the emails exist in it, else English (never an
    English text labelled as another language)."""
    if language == "en" or language in WRITTEN:
        return language
    with translation.override(compose.django_language(language)):
        return language if _(PROBE) != PROBE else "en"


def _english_subject(kind: str) -> str:
    subjects: dict[str, str] = {
        Status.APPROVED: _("Accreditation approved: %(name)s, %(meeting)s"),
        Status.REJECTED: _("Accreditation not approved: %(name)s, %(meeting)s"),
        Status.REVOKED: _("Accreditation withdrawn by the secretariat: %(name)s, %(meeting)s"),
        "missing": _("Accreditation: details missing for %(name)s, %(meeting)s"),
        "link": _("Complete your accreditation: %(meeting)s"),
    }
    return subjects[kind]


def _template(kind: str, language: str) -> str:
    if language in WRITTEN:
        return f"accreditation/email/{language}/{TEMPLATES[kind]}"
    return f"accreditation/email/{TEMPLATES[kind]}"


def _missing(accreditation: Accreditation, language: str) -> list[str]:
    """What the delegate still has to give, named in `language` (translation active)."""
    if language in WRITTEN:
        return [WRITTEN[language][name] for name in services.missing_fields(accreditation)]
    return services.missing_data(accreditation)


def _accreditation(pk: int) -> Accreditation | None:
    return (
        Accreditation.objects.select_related(
            "meeting", "delegate__reply__organisation", "delegate__reply__focal_point"
        )
        .filter(pk=pk)
        .first()
    )


def _collection_from(accreditation: Accreditation, language: str) -> str:
    """When the badge desk opens: the day before the meeting, written out in `language`."""
    start = accreditation.meeting.start_date
    if start is None:
        return ""
    return compose.format_date(start - datetime.timedelta(days=1), language)


def _send(accreditation: Accreditation, kind: str, to: list[str], **context: object) -> list[str]:
    """Email `kind` about `accreditation` to the addresses of `to` that are not empty, in
    the organisation's language; returns the addresses written to."""
    to = list(dict.fromkeys(address for address in to if address))
    if not to:
        return []
    delegate = accreditation.delegate
    reply = delegate.reply
    language = email_language(reply.organisation.language)
    invitation = mail.latest_invitation(reply)
    circular = invitation.circular if invitation else None
    meeting = accreditation.meeting
    with translation.override(compose.django_language(language)):
        subject = WRITTEN[language][kind] if language in WRITTEN else _english_subject(kind)
        body = render_to_string(
            _template(kind, language),
            {
                "name": str(delegate),
                "organisation": reply.organisation.name,
                "meeting": meeting.title,
                "venue": ", ".join(part for part in (meeting.city, meeting.country) if part),
                "collection_from": _collection_from(accreditation, language),
                "contact_email": circular.contact_email if circular else "",
                "missing": _missing(accreditation, language),
                **context,
            },
        )
        message = mail.email(
            subject=subject % {"meeting": meeting.title, "name": str(delegate)},
            body=mail.tidy(body),
            to=to,
            language=language,
            reply_to=mail.reply_to(circular),
        )
    message.send()
    return to


def _focal_point_email(accreditation: Accreditation) -> str:
    focal_point = accreditation.delegate.reply.focal_point
    return focal_point.email if focal_point else ""


@task()
def send_accreditation_decision(accreditation_id: int, badge_version: int) -> dict[str, list[str]]:
    """The decision as it was made; nothing when the accreditation has moved on since (its
    badge version differs: a later decision sends its own email)."""
    accreditation = _accreditation(accreditation_id)
    if (
        accreditation is None
        or accreditation.badge_version != badge_version
        or accreditation.status not in (Status.APPROVED, Status.REJECTED, Status.REVOKED)
    ):
        return {"to": []}
    to = _send(
        accreditation,
        accreditation.status,
        [accreditation.delegate.email, _focal_point_email(accreditation)],
        badge_number=accreditation.badge_number,
        reason=accreditation.reason,
    )
    return {"to": to}


def _issue_link(accreditation: Accreditation) -> str:
    _link, token = delegate_links.issue(accreditation, actor=Actor.system("delegate link"))
    return delegate_links.delegate_url(token)


@task()
def send_delegate_link(accreditation_id: int) -> dict[str, list[str]]:
    """A delegate's own link (a new one: those sent before stop working); nothing for a
    delegate without an email address or an accreditation withdrawn or revoked since."""
    accreditation = _accreditation(accreditation_id)
    if (
        accreditation is None
        or accreditation.status in services.DETACHED
        or not accreditation.delegate.email
    ):
        return {"to": []}
    with transaction.atomic():  # a failed send keeps the earlier link alive
        url = _issue_link(accreditation)
        return {"to": _send(accreditation, "link", [accreditation.delegate.email], url=url)}


@task()
def send_delegate_links(accreditation_ids: list[int]) -> dict[str, list[str]]:
    """`send_delegate_link` for each of `accreditation_ids` (the new delegates of a reply)."""
    to: list[str] = []
    for pk in accreditation_ids:
        to += send_delegate_link.call(pk)["to"]
    return {"to": to}


@task()
def send_missing_data_reminder(accreditation_id: int) -> dict[str, list[str]]:
    """A reminder of what is missing, to the delegate and the focal point, with a new link
    of the delegate's own when they have an email address; nothing when nothing is missing
    any more."""
    accreditation = _accreditation(accreditation_id)
    if accreditation is None or accreditation.status not in services.COUNTED:
        return {"to": []}
    if not services.missing_fields(accreditation):
        return {"to": []}
    delegate_email = accreditation.delegate.email
    with transaction.atomic():  # a failed send keeps the earlier link alive
        url = _issue_link(accreditation) if delegate_email else ""
        to = [delegate_email, _focal_point_email(accreditation)]
        return {"to": _send(accreditation, "missing", to, url=url)}


@periodic("purge-identity-data", every=datetime.timedelta(days=1))
@task()
def purge_identity_data() -> int:
    """Delete identity document data SUMMITDESK_IDENTITY_RETENTION_DAYS after the meeting."""
    return services.purge_identity_data(actor=Actor.system("identity purge"))
