"""The emails an applicant receives, composed here and sent through the outbox
(correspondence.messages): the services queue them in the transaction that made them
necessary, a worker writes and sends them, always to the address the application gave.

- the confirmation of that address, carrying the applicant's link (opening it and
  confirming makes the application "received");
- a new link, asked for with the "lost your link?" form;
- "we received your application", once the address is confirmed;
- news of the review (`queue_status_email`, called by the secretariat's side): incomplete
  with what is missing, recommended, not recommended, admitted, not admitted, each with
  a new link to follow the application.

Links are issued when the email is written, so that the token exists only in the email
that carries it (the ones sent before stop working). Every email is in the application's
language where the catalogue translates it, else in English.
"""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.admission import applicant_links
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Application
from summitdesk.core.audit import Actor
from summitdesk.correspondence import compose, messages
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.messages import Cancelled, Composed, Kind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.lib import mail
from summitdesk.lib.localized import localized
from summitdesk.lib.tokens import new_token

#: The review's outcomes the applicant is told of, by `queue_status_email`.
TOLD = (
    ApplicationStatus.INCOMPLETE,
    ApplicationStatus.RECOMMENDED,
    ApplicationStatus.NOT_RECOMMENDED,
    ApplicationStatus.DEFERRED,
    ApplicationStatus.ADMITTED,
    ApplicationStatus.NOT_ADMITTED,
)
#: Days an application may wait for its address to be confirmed before it is deleted
#: (admission.applying.purge_unconfirmed); the confirmation email says so.
UNCONFIRMED_DAYS = 7
#: Each kind's template in `admission/email/`.
TEMPLATES: dict[str, str] = {
    MessageKind.APPLICATION_CONFIRMATION: "confirmation.txt",
    MessageKind.APPLICANT_LINK: "link.txt",
    MessageKind.APPLICATION_RECEIVED: "received.txt",
    MessageKind.APPLICATION_STATUS: "status.txt",
}
#: A text every translation of these emails has: where it is untranslated, so are they.
PROBE = "Confirm your application: %(process)s"

LINK_ACTOR = Actor.system("applicant link")


def email_language(language: str) -> str:
    """The application's language where the emails exist in it, else English."""
    if language == "en":
        return language
    with translation.override(compose.django_language(language)):
        return language if _(PROBE) != PROBE else "en"


def _subject(kind: str, status: str = "") -> str:
    if kind == MessageKind.APPLICATION_STATUS:
        return {
            ApplicationStatus.INCOMPLETE: _("Your application is incomplete: %(process)s"),
            ApplicationStatus.RECOMMENDED: _("Your application is recommended: %(process)s"),
            ApplicationStatus.NOT_RECOMMENDED: _(
                "Your application is not recommended: %(process)s"
            ),
            ApplicationStatus.DEFERRED: _(
                "The decision on your application is deferred: %(process)s"
            ),
            ApplicationStatus.ADMITTED: _("Your organisation is admitted: %(process)s"),
            ApplicationStatus.NOT_ADMITTED: _("Your organisation is not admitted: %(process)s"),
        }[ApplicationStatus(status)]
    subjects: dict[str, str] = {
        MessageKind.APPLICATION_CONFIRMATION: _("Confirm your application: %(process)s"),
        MessageKind.APPLICANT_LINK: _("Your link to your application: %(process)s"),
        MessageKind.APPLICATION_RECEIVED: _("Application received: %(process)s"),
    }
    return subjects[kind]


# Queued by the services


def _draft(kind: MessageKind, application: Application, **params: object) -> OutboundMessage:
    return messages.draft(
        kind, organisation_id=application.organisation_id, about=application, params=params
    )


def queue_confirmation(application: Application) -> None:
    messages.queue([_draft(MessageKind.APPLICATION_CONFIRMATION, application)])


def queue_link(application: Application) -> None:
    messages.queue([_draft(MessageKind.APPLICANT_LINK, application)])


def queue_received(application: Application) -> None:
    messages.queue([_draft(MessageKind.APPLICATION_RECEIVED, application)])


def queue_status_email(application: Application) -> None:
    """Tell the applicant where their application now stands (incomplete, with what is
    missing; recommended or not, with the reasons; deferred; admitted or not), with a new
    link to follow it. Call it in the transaction that changed the status: the email is
    cancelled if the status changes again before it is written (the later one has its own).
    Other statuses are not told."""
    if application.status not in TOLD:
        return
    messages.queue([_draft(MessageKind.APPLICATION_STATUS, application, status=application.status)])


# Written by the worker


def _application(row: OutboundMessage) -> Application | None:
    if row.about_id is None:
        return None
    return Application.objects.select_related("process").filter(pk=row.about_id).first()


def _written(
    application: Application, kind: str, *, token: str | None, **context: object
) -> Composed:
    language = email_language(application.language)
    process = application.process
    with translation.override(compose.django_language(language)):
        name = " ".join(
            part
            for part in (application.contact_given_name, application.contact_family_name)
            if part
        )
        body = render_to_string(
            f"admission/email/{TEMPLATES[kind]}",
            {
                "name": name,
                "organisation": application.name,
                "process": localized(process, "name"),
                "reference": application.reference,
                "url": applicant_links.applicant_url(token) if token else "",
                "lost_url": applicant_links.lost_link_url(),
                **context,
            },
        )
        subject = _subject(kind, str(context.get("status", ""))) % {
            "process": localized(process, "name")
        }

    def store_link() -> None:
        if token is not None:
            applicant_links.issue(application, actor=LINK_ACTOR, token=token)

    return Composed(
        subject=subject,
        body=mail.tidy(body),
        to=[application.contact_email],
        language=language,
        store_link=store_link if token is not None else None,
    )


def compose_confirmation(row: OutboundMessage) -> Composed | Cancelled:
    """The link that confirms the address (a new one each time); cancelled once confirmed."""
    application = _application(row)
    if application is None:
        return Cancelled(_("The application is gone."))
    if application.status != ApplicationStatus.UNCONFIRMED:
        return Cancelled(_("The address is confirmed already."))
    return _written(application, row.kind, token=new_token(), days=UNCONFIRMED_DAYS)


def compose_link(row: OutboundMessage) -> Composed | Cancelled:
    application = _application(row)
    if application is None:
        return Cancelled(_("The application is gone."))
    return _written(application, row.kind, token=new_token())


def compose_received(row: OutboundMessage) -> Composed | Cancelled:
    application = _application(row)
    if application is None:
        return Cancelled(_("The application is gone."))
    return _written(application, row.kind, token=None)


def compose_status(row: OutboundMessage) -> Composed | Cancelled:
    """The status as it was when queued; cancelled when it has moved on since."""
    application = _application(row)
    if application is None:
        return Cancelled(_("The application is gone."))
    status = str(row.params.get("status", ""))
    if application.status != status:
        return Cancelled(_("The application's status changed since: that has its own email."))
    return _written(
        application,
        row.kind,
        token=new_token(),
        status=status,
        missing=application.missing,
        reasons=application.reasons,
    )


def applicant_link_alive(body: str) -> bool:
    token = applicant_links.token_in(body)
    return token is None or applicant_links.is_live(token)


messages.register(
    MessageKind.APPLICATION_CONFIRMATION,
    Kind(compose=compose_confirmation, link_alive=applicant_link_alive),
)
messages.register(
    MessageKind.APPLICANT_LINK, Kind(compose=compose_link, link_alive=applicant_link_alive)
)
messages.register(MessageKind.APPLICATION_RECEIVED, Kind(compose=compose_received))
messages.register(
    MessageKind.APPLICATION_STATUS, Kind(compose=compose_status, link_alive=applicant_link_alive)
)
