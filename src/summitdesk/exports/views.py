"""Export pages: the export asked for from a list (its filters in the query string), a
large export's progress and download, and one's own recent exports.

Any staff member may export what they may read; identity document columns only go to
those allowed to see them (`accreditation.services.can_see_identity`). A job is visible to
the person who asked for it and to administrators; to anyone else it does not exist (404).
"""

import tempfile

from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.accreditation.services import can_see_identity
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.models import User
from summitdesk.core.permissions import Permission
from summitdesk.exports import services
from summitdesk.exports.kinds import KINDS, ExportError, parse_filters
from summitdesk.exports.models import ExportJob, ExportStatus
from summitdesk.exports.writers import CONTENT_TYPES, FORMATS, csv_chunks

REFRESH_SECONDS = 5
RECENT_JOBS = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # staff_view let only staff through
    return user


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"


@staff_view(Permission.EXPORTS_CREATE)  # type: ignore[arg-type]  # typed for HttpResponse; this may stream
@require_POST
def export(request: HttpRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
    """Filters in the query string (the list's own), the format in the form."""
    found = KINDS.get(kind)
    if found is None:
        raise Http404
    export_format = request.POST.get("format", "")
    try:
        if export_format not in FORMATS:
            raise ExportError(_("Choose the format: CSV or XLSX."))
        filters = parse_filters(found, dict(request.GET.lists()))
    except ExportError as error:
        return render(request, "exports/error.html", {"error": str(error)}, status=400)
    identity = can_see_identity(request.user)
    rows = found.count(filters)
    actor = staff_actor(request)
    try:
        if rows > services.DIRECT_MAX_ROWS:
            job = services.start_export(
                found, filters, export_format, identity=identity, rows=rows, actor=actor
            )
            return redirect("exports:job", pk=job.pk)
        job = services.deliver_export(
            found, filters, export_format, identity=identity, rows=rows, actor=actor
        )
    except ExportError as error:  # more rows than an XLSX sheet holds
        return render(request, "exports/error.html", {"error": str(error)}, status=400)
    if export_format == "csv":
        chosen, header = services.columns(found, identity=identity)
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            csv_chunks(header, found.cells(filters, chosen)), content_type=CONTENT_TYPES["csv"]
        )
    else:
        scratch = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
        services.write_export(found, filters, export_format, scratch, identity=identity)
        scratch.seek(0)
        response = FileResponse(scratch, content_type=CONTENT_TYPES["xlsx"])
    _attachment(response, job.filename)
    return response


def _status(job: ExportJob) -> dict[str, object]:
    return {
        "status": job.status,
        "handled": job.done,
        "total": job.total,
        "percent": job.percent,
        "done": not job.running,
    }


@staff_view(Permission.EXPORTS_CREATE)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(services.visible_jobs(_user(request)), pk=pk)
    context = {
        "job": found,
        "kind": KINDS.get(found.kind),
        "status": _status(found),
        "expired": found.expires_at <= timezone.now(),
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "exports/job.html", context)
    if found.running:
        response["Refresh"] = str(REFRESH_SECONDS)  # without script, the page follows the job
    return response


@staff_view(Permission.EXPORTS_CREATE)
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    found = get_object_or_404(services.visible_jobs(_user(request)), pk=pk)
    return JsonResponse(_status(found), headers={"Cache-Control": "no-store"})


@staff_view(Permission.EXPORTS_CREATE)  # type: ignore[arg-type]  # typed for HttpResponse; this streams
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(
        services.visible_jobs(_user(request)).filter(
            status=ExportStatus.DONE, expires_at__gt=timezone.now()
        ),
        pk=pk,
    )
    try:
        handle = default_storage.open(found.file, "rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=CONTENT_TYPES[found.format])
    _attachment(response, found.filename)
    return response


@staff_view(Permission.EXPORTS_CREATE)
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = services.visible_jobs(_user(request)).exclude(status=ExportStatus.DELIVERED)
    context = {"jobs": jobs[:RECENT_JOBS], "kinds": KINDS, "now": timezone.now()}
    return render(request, "exports/job_list.html", context)
