"""The focal point's mandate documents and credentials: a section of the reply page, and a
page (`/reply/<token>/documents/`) to upload, download and remove the reply's own
documents. Only documents of the link's own reply are ever looked up: another reply's
document id answers as an unknown link does (404)."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from summitdesk.credentials import queries, services
from summitdesk.credentials.forms import DocumentUploadForm
from summitdesk.credentials.models import MandateDocument
from summitdesk.lib import uploads
from summitdesk.portal.access import PortalAccess


def section(access: PortalAccess) -> dict[str, Any]:
    """What the reply page shows of the reply's credentials and documents."""
    reply = access.reply
    requirements = queries.required_kinds(access.meeting, access.organisation.category)
    return {
        "credentials_state": queries.credentials_state(reply),
        "document_requirements": requirements,
        "documents_missing": queries.missing_kinds(reply) if requirements else [],
        "document_count": reply.mandate_documents.count(),
    }


def _own(access: PortalAccess, document_id: int) -> MandateDocument | None:
    return access.reply.mandate_documents.filter(pk=document_id).first()


def documents_page(
    request: HttpRequest, access: PortalAccess, form: DocumentUploadForm | None = None
) -> HttpResponse:
    context = {
        "access": access,
        "meeting": access.meeting,
        "organisation": access.organisation,
        "token": access.token,
        "documents": queries.documents(access.reply),
        "form": form or DocumentUploadForm(),
        **section(access),
    }
    return render(
        request, "portal/documents.html", context, status=400 if form is not None else 200
    )


def upload(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return documents_page(request, access, form)
    file = form.cleaned_data["file"]
    try:
        services.upload_document(
            access.reply,
            form.cleaned_data["kind"],
            file,
            name=file.name or "",
            size=file.size or 0,
            by_staff=False,
            actor=access.actor,
        )
    except (uploads.DocumentRefused, services.CredentialsError) as refused:
        form.add_error("file", str(refused))
        return documents_page(request, access, form)
    messages.success(request, _("Thank you: the document is kept, and is being checked."))
    return redirect("portal:documents", token=access.token)


def download(access: PortalAccess, document_id: int) -> FileResponse | None:
    document = _own(access, document_id)
    if document is None:
        return None
    return uploads.attachment(
        document.file.open("rb"), filename=document.download_name, media=document.media_type
    )


def remove(request: HttpRequest, access: PortalAccess, document_id: int) -> HttpResponse | None:
    document = _own(access, document_id)
    if document is None:
        return None
    services.remove_document(document, actor=access.actor)
    messages.success(request, _("The document is removed."))
    return redirect("portal:documents", token=access.token)
