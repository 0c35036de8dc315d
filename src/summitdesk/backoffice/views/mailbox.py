"""The local outbox (demo and development): mail kept instead of sent, read by staff."""

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from summitdesk.core.access import staff_view
from summitdesk.correspondence import mailbox
from summitdesk.correspondence.models import MailboxMessage

PAGE_SIZE = 50
PDF = "application/pdf"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(filename: str, index: int) -> str:
    """A file name fit for a header: the attachment's own, else a numbered one."""
    return _UNSAFE.sub("-", filename).strip("-.") or f"attachment-{index + 1}"


@staff_view()
def mailbox_list(request: HttpRequest) -> HttpResponse:
    kept = MailboxMessage.objects.defer("raw")
    page = Paginator(kept, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/mailbox_list.html", {"page": page})


@staff_view()
def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_object_or_404(MailboxMessage, pk=pk)
    context = {"kept": kept, "read": mailbox.read(kept)}
    return render(request, "backoffice/mailbox_message.html", context)


@staff_view()
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
