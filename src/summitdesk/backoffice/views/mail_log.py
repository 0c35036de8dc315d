"""The mail log: every email and letter SummitDesk wrote (the outbox), searched by
recipient, organisation and subject, and each one read with its headers and attachments.

What SummitDesk wrote may carry live personal links: the roles holding
`stored_mail.read` read a message with those links clickable (only links SummitDesk
issued: `withholding.linkify_own`); every other role reads it at the withheld address,
each link replaced, nothing clickable. Text from outside is never made a link.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from summitdesk.core.access import staff_view
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence import withholding
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.correspondence.queries import QUERY_CHARS, MailSearch, search_outbox

PAGE_SIZE = 50


def searched(
    request: HttpRequest, search_in: Callable[[MailSearch], QuerySet[Any]]
) -> dict[str, object]:
    """The context of a searched list of messages (the mail log, the local mailbox): the
    page of what `search_in` finds for the query string's search, and each message's
    subject as the reader's role may read it."""
    search = MailSearch.of(request.GET)
    page = Paginator(search_in(search), PAGE_SIZE).get_page(request.GET.get("page"))
    live = may(request.user, Permission.STORED_MAIL_READ)
    # A subject is merged like the letter, so it too may carry a link.
    rows = [
        (message, message.subject if live else withholding.withhold_links(message.subject))
        for message in page
    ]
    given = {
        "recipient": search.recipient,
        "organisation": search.organisation,
        "subject": search.subject,
    }
    return {
        "page": page,
        "rows": rows,
        "live": live,
        "search": search,
        "query": urlencode({name: value for name, value in given.items() if value}),
        "query_chars": QUERY_CHARS,
    }


@staff_view(Permission.MAILBOX_READ)
def mail_log(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/mail_log.html", searched(request, search_outbox))


def _attachments(message: OutboundMessage) -> list[tuple[str, int | None]]:
    """(name, size in bytes or None when the file is missing) of what the email carried."""
    if not message.pdf:
        return []
    name = message.attachment_name or (message.pdf.name or "").rsplit("/", 1)[-1]
    try:
        size: int | None = message.pdf.size
    except OSError:
        size = None
    return [(name, size)]


def _message_page(request: HttpRequest, pk: int, *, withheld: bool) -> HttpResponse:
    message = get_object_or_404(
        OutboundMessage.objects.select_related("organisation", "mailing__circular", "person"),
        pk=pk,
    )
    subject = withholding.withhold_links(message.subject) if withheld else message.subject
    headers = [
        ("To", ", ".join(message.to)),
        ("Cc", ", ".join(message.cc)),
        ("Reply-To", ", ".join(message.reply_to)),
        ("Subject", subject),
        ("Message-ID", message.message_id),
        ("Content-Language", message.language),
    ]
    context = {
        "message": message,
        "subject": subject,
        "headers": [(name, value) for name, value in headers if value],
        "body": (
            withholding.withhold_links(message.body)
            if withheld
            else withholding.linkify_own(message.body)
        ),
        "attachments": _attachments(message),
        "withheld": withheld,
    }
    return render(request, "backoffice/mail_log_message.html", context)


@staff_view(Permission.STORED_MAIL_READ)
def mail_log_message(request: HttpRequest, pk: int) -> HttpResponse:
    """One message as SummitDesk wrote it, its own personal links clickable."""
    return _message_page(request, pk, withheld=False)


@staff_view(Permission.STORED_MAIL_READ_WITHHELD)
def mail_log_message_withheld(request: HttpRequest, pk: int) -> HttpResponse:
    """The same message with every personal link withheld, nothing clickable."""
    return _message_page(request, pk, withheld=True)
