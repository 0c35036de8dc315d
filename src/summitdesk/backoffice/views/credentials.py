"""Credentials: the register of a meeting (and its Credentials Committee report, PDF, CSV
or XLSX), one delegation's credentials and mandate documents, the meeting's settings of
what is required. Reading goes through credentials.queries, every change through
credentials.services.

The credentials officer reaches these pages and nothing else; mandate documents are
served only as attachments, to the roles holding `mandate_documents.read`.
"""

import io
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from summitdesk.backoffice.listing import Column, Listing
from summitdesk.core import versions
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission
from summitdesk.correspondence import services as correspondence_services
from summitdesk.correspondence.enums import CircularStatus, ReminderTarget
from summitdesk.correspondence.models import Circular
from summitdesk.credentials import queries, report, services
from summitdesk.credentials.enums import CredentialsState
from summitdesk.credentials.forms import (
    APPROVAL_WAITS,
    NOT_REQUIRED,
    CredentialsEntryForm,
    DocumentUploadForm,
    MeetingCredentialsForm,
)
from summitdesk.credentials.models import MandateDocument
from summitdesk.delegations.models import Reply
from summitdesk.delegations.queries import ListRow
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from summitdesk.exports.writers import csv_chunks, write_xlsx
from summitdesk.lib import uploads
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("process").in_calendar_order()


@staff_view(Permission.CREDENTIALS_READ)
def credentials_index(request: HttpRequest) -> HttpResponse:
    """The meetings, each leading to its register: the credentials officer's desk."""
    return render(request, "backoffice/credentials_index.html", {"meetings": _meetings()})


#: The register's columns; those that sort order by the organisation's sort key or the
#: date received (then by id).
REGISTER_COLUMNS = [
    Column("delegation", _lazy("Delegation"), ("organisation__name_key",)),
    Column("credentials", _lazy("Credentials")),
    Column("received", _lazy("Received on"), ("credentials__received_on",), nullable=True),
    Column("proxy", _lazy("Powers transferred to")),
    Column("missing", _lazy("Documents missing")),
]
REGISTER_PAGE_SIZE = 100


@staff_view(Permission.CREDENTIALS_READ)
def credentials_register(request: HttpRequest, code: str) -> HttpResponse:
    """The register, a page at a time (sorted, page size as every long list), filtered by
    state and by organisation; the same number of queries whatever its length."""
    meeting = get_object_or_404(Meeting, code=code)
    state = request.GET.get("state", "")
    if state not in CredentialsState.values:
        state = ""
    search = str(request.GET.get("q", "")).strip()[:100]
    listing = Listing(
        request.GET,
        REGISTER_COLUMNS,
        default_sort="delegation",
        default_size=REGISTER_PAGE_SIZE,
    )
    categories = queries.categories_needing_credentials(meeting)
    counts = queries.register_counts(meeting, categories)
    total = sum(counts.values())
    known = None if search else (counts.get(state, 0) if state else total)
    page = listing.page(
        queries.register_list(meeting, state=state, search=search, categories=categories),
        count=known,
    )
    context = {
        "meeting": meeting,
        "rows": queries.register_rows(meeting, list(page.object_list)),
        "page": page,
        "listing": listing,
        "query": listing.query(),
        "state": state,
        "search": search,
        "search_fields": listing.hidden_fields("q"),
        "all_query": listing.query(state=None),
        "states": [
            (value, label, counts[value], listing.query(state=value))
            for value, label in CredentialsState.choices
            if value != CredentialsState.NOT_REQUIRED
        ],
        "total": total,
        "categories": [Category(value).label for value in sorted(categories)],
    }
    return render(request, "backoffice/credentials_register.html", context)


@staff_view(Permission.CREDENTIALS_READ)
def credentials_report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    content = report.render_report(report.report_for(meeting, today=timezone.localdate()))
    return HttpResponse(
        content,
        content_type=report.CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{report.file_name(meeting, "pdf")}"',
            "Cache-Control": "private, no-store",
        },
    )


@staff_view(Permission.CREDENTIALS_READ)
def credentials_export(request: HttpRequest, code: str, extension: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    headers = {
        "Content-Disposition": f'attachment; filename="{report.file_name(meeting, extension)}"',
        "Cache-Control": "private, no-store",
    }
    if extension == "csv":
        content = b"".join(csv_chunks(report.HEADER, report.rows(meeting)))
        return HttpResponse(content, content_type="text/csv; charset=utf-8", headers=headers)
    out = io.BytesIO()
    write_xlsx(out, report.HEADER, report.rows(meeting), sheet_name="Credentials")
    return HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=headers,
    )


def _reply(code: str, reply_id: int) -> Reply:
    return get_object_or_404(
        Reply.objects.select_related("organisation", "meeting"), pk=reply_id, meeting__code=code
    )


@dataclass(frozen=True)
class TrackerLine:
    """A row of the reply tracker's list, with its delegation's credentials state and
    whether a required mandate document is missing."""

    row: ListRow
    credentials: CredentialsState | None = None
    documents_missing: bool = False


def tracker_lines(rows: list[ListRow]) -> list[TrackerLine]:
    """`rows` of the tracker's list with their credentials (two queries for the page)."""
    ids = [row.organisation.reply_id for row in rows]  # type: ignore[attr-defined]
    replies = list(
        Reply.objects.filter(pk__in=[pk for pk in ids if pk is not None])
        .select_related("organisation", "meeting")
        .annotate(lacking=queries.lacking_documents())
    )
    states = queries.states_of(replies)
    lacking = {reply.pk for reply in replies if reply.lacking}  # type: ignore[attr-defined]
    return [
        TrackerLine(row, states.get(pk) if pk else None, pk in lacking)
        for row, pk in zip(rows, ids, strict=True)
    ]


def credentials_section(reply: Reply) -> dict[str, object]:
    """What a reply's page shows of its credentials and mandate documents."""
    return {
        "credentials": getattr(reply, "credentials", None),
        "state": queries.credentials_state(reply),
        "documents": queries.documents(reply),
        "missing": queries.missing_kinds(reply),
        "requirements": queries.required_kinds(reply.meeting, reply.organisation.category),
        "upload_form": DocumentUploadForm(auto_id="upload-%s"),
    }


@staff_view(Permission.CREDENTIALS_READ)
def credentials_detail(request: HttpRequest, code: str, reply_id: int) -> HttpResponse:
    reply = _reply(code, reply_id)
    context = {
        "reply": reply,
        "meeting": reply.meeting,
        "organisation": reply.organisation,
        **credentials_section(reply),
    }
    return render(request, "backoffice/credentials_detail.html", context)


@staff_view(Permission.CREDENTIALS_EXAMINE)
def credentials_edit(request: HttpRequest, code: str, reply_id: int) -> HttpResponse:
    reply = _reply(code, reply_id)
    credentials = getattr(reply, "credentials", None)
    version = versions.version_of(credentials)
    if request.method == "POST":
        form = CredentialsEntryForm(request.POST, reply=reply)
        if form.is_valid():
            try:
                services.save_credentials(
                    reply,
                    form.data_of(),
                    actor=staff_actor(request),
                    expected_version=form.cleaned_data["version"] or None,
                )
            except versions.Conflict as conflict:
                posted = request.POST.copy()
                posted["version"] = conflict.version  # saving again replaces it knowingly
                form = CredentialsEntryForm(posted, reply=reply)
                form.is_valid()
                form.add_error(None, str(conflict))
            except services.CredentialsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The credentials are recorded."))
                return redirect("backoffice:credentials-detail", code=code, reply_id=reply.pk)
        status = 400
    else:
        form = CredentialsEntryForm(
            initial={**services.data_of(credentials).__dict__, "version": version}, reply=reply
        )
        status = 200
    context = {
        "reply": reply,
        "meeting": reply.meeting,
        "organisation": reply.organisation,
        "form": form,
        "required": queries.needs_credentials(reply),
    }
    return render(request, "backoffice/credentials_edit.html", context, status=status)


@staff_view(Permission.MANDATE_DOCUMENTS_CHANGE)
@require_POST
def mandate_document_upload(request: HttpRequest, code: str, reply_id: int) -> HttpResponse:
    reply = _reply(code, reply_id)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of document and a file."))
    else:
        upload = form.cleaned_data["file"]
        try:
            services.upload_document(
                reply,
                form.cleaned_data["kind"],
                upload,
                name=upload.name or "",
                size=upload.size or 0,
                by_staff=True,
                actor=staff_actor(request),
            )
        except (uploads.DocumentRefused, services.CredentialsError) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The document is kept; it is being checked."))
    return redirect("backoffice:credentials-detail", code=code, reply_id=reply.pk)


def _document(document_id: int) -> MandateDocument:
    return get_object_or_404(
        MandateDocument.objects.select_related("reply__meeting", "reply__organisation"),
        pk=document_id,
    )


@staff_view(Permission.MANDATE_DOCUMENTS_READ)  # type: ignore[arg-type]  # typed for HttpResponse; this streams
def mandate_document(request: HttpRequest, document_id: int) -> FileResponse:
    document = _document(document_id)
    return uploads.attachment(
        document.file.open("rb"), filename=document.download_name, media=document.media_type
    )


@staff_view(Permission.MANDATE_DOCUMENTS_CHANGE)
@require_POST
def mandate_document_remove(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(document_id)
    reply = document.reply
    services.remove_document(document, actor=staff_actor(request))
    messages.success(request, _("The document is removed."))
    return redirect("backoffice:credentials-detail", code=reply.meeting.code, reply_id=reply.pk)


@staff_view(Permission.MEETINGS_CHANGE)
def meeting_credentials_settings(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    form = MeetingCredentialsForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        actor = staff_actor(request)
        asked = set(form.cleaned_data["credentials"])
        for category in Category.values:
            services.set_credentials_policy(
                meeting, category, required=category in asked, actor=actor
            )
        for category, kind, choice in form.requirements():
            services.set_requirement(
                meeting,
                category,
                kind,
                required=choice != NOT_REQUIRED,
                approval_waits=choice == APPROVAL_WAITS,
                actor=actor,
            )
        messages.success(request, _("The credentials settings are saved."))
        return redirect("backoffice:credentials-register", code=meeting.code)
    context = {"meeting": meeting, "form": form}
    return render(request, "backoffice/credentials_settings.html", context)


@staff_view(Permission.CIRCULARS_SEND)
def circular_remind_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind the delegations of `circular` still lacking a required mandate document."""
    circular = get_object_or_404(Circular.objects.select_related("meeting"), pk=pk)
    lacking = figures.document_missing_replies([circular.meeting], circular=circular)
    if request.method == "POST":
        try:
            mailing = correspondence_services.send_reminders(
                circular,
                actor=staff_actor(request),
                target=ReminderTarget.DOCUMENT_MISSING,
                organisations=list(lacking.values_list("organisation_id", flat=True)),
            )
        except correspondence_services.CircularError as error:
            messages.error(request, str(error))
            return redirect("backoffice:circular-detail", pk=circular.pk)
        messages.success(request, _("The reminders are being sent."))
        return redirect("backoffice:mailing-progress", pk=mailing.pk)
    organisations = Organisation.objects.filter(pk__in=lacking.values("organisation_id")).order_by(
        "name_key"
    )
    context = {
        "circular": circular,
        "meeting": circular.meeting,
        "organisations": organisations,
        "draft": circular.status == CircularStatus.DRAFT,
    }
    return render(request, "backoffice/credentials_remind.html", context)
