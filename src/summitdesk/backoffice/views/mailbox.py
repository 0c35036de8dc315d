"""The local outbox (demo and development): mail kept instead of sent, read by staff.

Stored mail carries live personal links (reply, focal point's, delegate's links; the
circular's letter and its QR code): only `stored_mail.read` opens it as it is. Every
other role reads it at the withheld address, each link replaced (`withholding`).
"""

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from summitdesk.backoffice.views.mail_log import searched
from summitdesk.core.access import staff_view
from summitdesk.core.permissions import Permission
from summitdesk.correspondence import compose, mailbox, withholding
from summitdesk.correspondence.models import MailboxMessage
from summitdesk.correspondence.queries import search_mailbox
from summitdesk.lib.documents import DocumentError

PDF = "application/pdf"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(filename: str, index: int) -> str:
    """A file name fit for a header: the attachment's own, else a numbered one."""
    return _UNSAFE.sub("-", filename).strip("-.") or f"attachment-{index + 1}"


@staff_view(Permission.MAILBOX_READ)
def mailbox_list(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/mailbox_list.html", searched(request, search_mailbox))


@staff_view(Permission.STORED_MAIL_READ)
def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_object_or_404(MailboxMessage, pk=pk)
    read = mailbox.read(kept)
    # Only the links SummitDesk issued are clickable; any other address stays text.
    context = {"kept": kept, "read": read, "text": withholding.linkify_own(read.text)}
    return render(request, "backoffice/mailbox_message.html", context)


@staff_view(Permission.STORED_MAIL_READ)
def mailbox_attachment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    kept = get_object_or_404(MailboxMessage, pk=pk)
    attachments = mailbox.read(kept).attachments
    if not 0 <= index < len(attachments):
        raise Http404("No such attachment")
    attachment = attachments[index]
    # Only PDFs are served as what they are; anything else downloads as plain bytes, so
    # that nothing a message carries can run in the back office's origin.
    content_type = PDF if attachment.content_type == PDF else "application/octet-stream"
    return HttpResponse(
        attachment.content,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{_safe(attachment.filename, index)}"',
            "Cache-Control": "private, no-store",
        },
    )


@staff_view(Permission.STORED_MAIL_READ_WITHHELD)
def mailbox_message_withheld(request: HttpRequest, pk: int) -> HttpResponse:
    """The message with every personal link withheld, its attachments named but not
    served (any of them may carry a link), except a circular's letter composed again."""
    kept = get_object_or_404(MailboxMessage, pk=pk)
    read = mailbox.read(kept)
    context = {
        "kept": kept,
        "subject": withholding.withhold_links(kept.subject),
        "headers": {
            name: withholding.withhold_links(value) for name, value in read.headers.items()
        },
        "text": withholding.withhold_links(read.text),
        "attachments": read.attachments,
        "letter": withholding.letter_row_for_message_id(kept.message_id) is not None,
    }
    return render(request, "backoffice/mailbox_message_withheld.html", context)


@staff_view(Permission.STORED_MAIL_READ_WITHHELD)
def mailbox_letter_withheld(request: HttpRequest, pk: int) -> HttpResponse:
    """The circular's letter this message carried, composed again with its link withheld."""
    kept = get_object_or_404(MailboxMessage, pk=pk)
    row = withholding.letter_row_for_message_id(kept.message_id)
    if row is None:
        raise Http404("This message carries no circular letter")
    try:
        content = withholding.withheld_letter_pdf(row)
    except (compose.ComposeError, DocumentError) as error:
        messages.error(request, str(error))
        return redirect("backoffice:mailbox-message-withheld", pk=kept.pk)
    return HttpResponse(
        content,
        content_type=PDF,
        headers={
            "Content-Disposition": f'attachment; filename="letter-{kept.pk}-withheld.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
