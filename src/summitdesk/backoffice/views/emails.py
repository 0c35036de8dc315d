"""An organisation's emails (every one but the circulars' letters, which have their own
section): the list, one email's text, and the staff actions on it. Every change goes
through correspondence.outbox."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.audit import Actor
from summitdesk.core.permissions import Permission
from summitdesk.correspondence import messages as outbox_messages
from summitdesk.correspondence import outbox
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.correspondence.sending import SendingError
from summitdesk.correspondence.withholding import withhold_links
from summitdesk.directory.models import Organisation


@dataclass(frozen=True)
class EmailRow:
    message: OutboundMessage
    # Carries a personal link: re-sent only while it works, else with a new one.
    carries_link: bool
    link_alive: bool

    @property
    def when(self) -> object:
        return self.message.sent_at or self.message.created_at

    @property
    def withheld_subject(self) -> str:
        """The subject as roles without live links read it (a subject may carry one)."""
        return withhold_links(self.message.subject)


def organisation_emails(organisation: Organisation) -> list[EmailRow]:
    """The emails to `organisation` that are not letters, newest first."""
    rows = (
        OutboundMessage.objects.filter(organisation=organisation, mailing__isnull=True)
        .select_related("person")
        .order_by("-created_at", "-pk")
    )
    listed = []
    for message in rows:
        carries = outbox_messages.carries_link(message)
        alive = not carries or not message.body or outbox_messages.link_alive(message)
        listed.append(EmailRow(message=message, carries_link=carries, link_alive=alive))
    return listed


def _email(pk: int, message_pk: int) -> OutboundMessage:
    # An email is reached only through its own organisation: any other is a 404.
    return get_object_or_404(
        OutboundMessage.objects.select_related("organisation"),
        pk=message_pk,
        organisation=pk,
        mailing__isnull=True,
    )


def _email_page(request: HttpRequest, message: OutboundMessage, *, withheld: bool) -> HttpResponse:
    body = withhold_links(message.body) if withheld else message.body
    context = {
        "organisation": message.organisation,
        "message": message,
        "subject": withhold_links(message.subject) if withheld else message.subject,
        "body": body,
        "withheld": withheld,
    }
    return render(request, "backoffice/organisation_email.html", context)


@staff_view(Permission.STORED_MAIL_READ)
def organisation_email(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """One email as it was written: its text may carry a live personal link, so only the
    roles that may act through one see it."""
    return _email_page(request, _email(pk, message_pk), withheld=False)


@staff_view(Permission.STORED_MAIL_READ_WITHHELD)
def organisation_email_withheld(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """The same email with every personal link replaced, for every other role."""
    return _email_page(request, _email(pk, message_pk), withheld=True)


Action = Callable[..., OutboundMessage]

ACTIONS: dict[str, tuple[Action, Promise]] = {
    "send-again": (outbox.send_again, gettext_lazy("The email is on its way again.")),
    "new-link": (
        outbox.send_with_new_link,
        gettext_lazy("An email with a new link is on its way."),
    ),
    "confirm-sent": (outbox.confirm_sent, gettext_lazy("The email is recorded as sent.")),
    "resend": (outbox.resend, gettext_lazy("The email will be sent again.")),
    "retry": (outbox.retry, gettext_lazy("The email is queued again.")),
}


@staff_view(Permission.CIRCULARS_SEND, Permission.REPLY_LINKS_MANAGE)
@require_POST
def organisation_email_action(
    request: HttpRequest, pk: int, message_pk: int, action: str
) -> HttpResponse:
    message = _email(pk, message_pk)
    back = reverse("backoffice:organisation-detail", kwargs={"pk": pk}) + "#emails-title"
    if action not in ACTIONS:
        raise Http404("No such action")
    act, done = ACTIONS[action]
    actor: Actor = staff_actor(request)
    try:
        act(message, actor=actor)
    except SendingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return redirect(back)
