"""Importing organisations from a file: upload, follow the preview, confirm, then follow
the job. Reading and checking the file happen in the worker (see imports.preview_job)."""

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.backoffice.import_forms import ImportConfirmForm, ImportUploadForm
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission
from summitdesk.directory import imports
from summitdesk.directory.models import ImportJob, ImportJobStatus
from summitdesk.directory.services import DirectoryError

#: Refused rows listed on a page; the command line prints them all.
ERRORS_SHOWN = 1000
REFRESH_SECONDS = 2


def _jobs() -> models.QuerySet[ImportJob]:
    # The file and reports can be large: pages that list jobs leave them in the database.
    return ImportJob.objects.defer("content").select_related("uploaded_by", "confirmed_by")


@staff_view(Permission.DIRECTORY_CHANGE)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = imports.create_job(upload.read(), upload.name, actor=staff_actor(request))
        return redirect("backoffice:import-job", pk=job.pk)
    recent = _jobs().defer("preview", "report")[:10]
    context = {"form": form, "jobs": recent, "columns": imports.COLUMNS}
    return render(request, "backoffice/import_upload.html", context)


@staff_view(Permission.DIRECTORY_CHANGE)
def import_template(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        imports.template_csv(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="organisations-template.csv"'},
    )


@staff_view(Permission.DIRECTORY_CHANGE)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs(), pk=pk)
    data = job.report if job.status == ImportJobStatus.DONE else job.preview
    report = imports.ImportReport.from_dict(data) if data else None
    context = {
        "job": job,
        "report": report,
        "errors": report.errors[:ERRORS_SHOWN] if report else [],
        "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN) if report else 0,
        "valid_rows": report.total_rows - report.refused if report else 0,
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "backoffice/import_job.html", context)
    if job.status in (ImportJobStatus.PREVIEWING, ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        response["Refresh"] = str(REFRESH_SECONDS)  # no script needed to follow the job
    return response


@staff_view(Permission.DIRECTORY_CHANGE)
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs(), pk=pk)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to import the file."))
        return redirect("backoffice:import-job", pk=job.pk)
    only_valid = form.cleaned_data["mode"] == "valid"
    if not only_valid and job.preview.get("refused"):
        messages.error(request, _("Some rows are refused: import only the valid rows."))
        return redirect("backoffice:import-job", pk=job.pk)
    try:
        imports.confirm_job(job, only_valid=only_valid, actor=staff_actor(request))
    except DirectoryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The import has started."))
    return redirect("backoffice:import-job", pk=job.pk)


@staff_view(Permission.DIRECTORY_CHANGE)
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs(), pk=pk)
    confirmation = unless_confirmed(
        request,
        question=_("Cancel the import of %(file)s?") % {"file": job.filename},
        consequence=_("The checked file is discarded and nothing is written to the directory."),
        action=_("Cancel the import"),
        back=reverse("backoffice:import-job", args=[pk]),
    )
    if confirmation is not None:
        return confirmation
    try:
        imports.discard_job(job)
    except DirectoryError as error:
        messages.error(request, str(error))
        return redirect("backoffice:import-job", pk=job.pk)
    messages.success(request, _("Import cancelled: nothing was written."))
    return redirect("backoffice:organisation-import")
